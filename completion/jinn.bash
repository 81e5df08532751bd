# bash completion for jinn — source it, or install it as
#   /usr/share/bash-completion/completions/jinn
_jinn()
{
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_CWORD:+${COMP_WORDS[COMP_CWORD-1]}}
    cmd=${COMP_WORDS[1]:-}
    local commands="render disasm test check repl version help"
    local render_opts="--context -D --providers --strict-providers --seed --trim-blocks --lstrip-blocks --keep-trailing-newline --autoescape --profile -o --errors --help"
    local repl_opts="--context -D --providers --strict-providers --seed --trim-blocks --lstrip-blocks --keep-trailing-newline --autoescape --profile --help"

    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --version --help" -- "$cur"))
        return
    fi
    case $prev in
        --profile) COMPREPLY=($(compgen -W "jinja jinjava" -- "$cur")); return ;;
        --errors|--format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        --context|--providers) COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")); return ;;
        --seed|-D) COMPREPLY=(); return ;;
        -o) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    case $cmd in
        help) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
        render|disasm)
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$render_opts" -- "$cur"))
            else COMPREPLY=($(compgen -f -- "$cur")); fi ;;
        repl) COMPREPLY=($(compgen -W "$repl_opts" -- "$cur")) ;;
        check)
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--format --help" -- "$cur"))
            else COMPREPLY=($(compgen -f -- "$cur")); fi ;;
        test)
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--update --help" -- "$cur"))
            else COMPREPLY=($(compgen -f -- "$cur")); fi ;;
    esac
}
complete -o filenames -F _jinn jinn
