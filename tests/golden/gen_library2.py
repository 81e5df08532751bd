#!/usr/bin/env python3
"""Golden tests for the second half of the library: the Jinja2 filters of filters_text.c,
lipsum, and Jinjava's extras (filters_jinjava.c, dates.c).

Same row format and machinery as gen_library.py (this script borrows its writer): a row
without an expectation is rendered by Jinja2 itself; E(...) pins jinn's error message (the
runner's --update fills in the location); O(...) is an output written by hand — used for
the Jinjava-only builtins, which Jinja2 does not have. Those hand-written expectations come
from reference/jinjava-dialect.md §3-§4 and §7.2 and from the libraries' own definitions
(RFC 4648 base64, the MD5/SHA test vectors, the tz database as Python's zoneinfo reads it).

    /usr/bin/python3 tests/golden/gen_library2.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_library as G  # noqa: E402
from genlib import HERE, E, O, unpack  # noqa: E402

UNI = G.UNI
USERS = G.USERS
T = 1700000000000  # 2023-11-14T22:13:20Z in epoch milliseconds
CITIES = {"people": [
    {"name": "ann", "city": "Oslo"}, {"name": "bo", "city": "bergen"},
    {"name": "cy", "city": "oslo"}, {"name": "di"}, {"name": "ed", "city": "Bergen"},
]}

ROWS = [
    # ---- attr ------------------------------------------------------------------------------
    ("filters", "attr_dict_key_is_not_attr", "[{{ {'a': 1}|attr('a') }}]"),
    ("filters", "attr_namespace", "{% set ns = namespace(x=5) %}{{ ns|attr('x') }}"),
    ("filters", "attr_missing_is_undefined", "{{ (42|attr('nope')) is undefined }}"),
    ("filters", "attr_undefined_error", "{{ nothing|attr('x') }}", None, None, E("'nothing' is undefined")),
    # ---- batch -----------------------------------------------------------------------------
    ("filters", "batch_basic", "{{ range(7)|batch(3)|list }}"),
    ("filters", "batch_fill", "{{ range(7)|batch(3, 'x')|list }} {{ range(6)|batch(3, 0)|list }}"),
    ("filters", "batch_empty", "{{ []|batch(2)|list }} {{ nothing|batch(2)|list }}"),
    ("filters", "batch_zero", "{{ range(3)|batch(0)|list }}"),
    ("filters", "batch_str_dict", "{{ 'abcdé'|batch(2)|list }} {{ {'a': 1, 'b': 2, 'c': 3}|batch(2)|list }}"),
    ("filters", "batch_by_name", "{{ [1, 2, 3]|batch(linecount=2, fill_with='-')|list }}"),
    ("filters", "batch_table", "{% for row in range(5)|batch(2, '&') %}<{{ row|join(',') }}>{% endfor %}"),
    ("filters", "batch_int_error", "{{ 5|batch(2)|list }}", None, None, E("'int' object is not iterable")),
    # ---- center ----------------------------------------------------------------------------
    ("filters", "center_odd_even", "[{{ 'abc'|center(9) }}] [{{ 'abc'|center(8) }}] [{{ 'ab'|center(9) }}] [{{ 'ab'|center(8) }}]"),
    ("filters", "center_default_width", "[{{ 'x'|center }}]"),
    ("filters", "center_narrow", "[{{ 'héllo'|center(2) }}] [{{ ''|center(3) }}] [{{ 'a'|center(-5) }}]"),
    ("filters", "center_unicode", "[{{ 'äö😀'|center(7) }}]"),
    ("filters", "center_number", "[{{ 42|center(6) }}] [{{ none|center(6) }}]"),
    ("filters", "center_str_width_error", "{{ 'a'|center('x') }}", None, None, E("center: 'str' object cannot be interpreted as an integer")),
    # ---- filesizeformat --------------------------------------------------------------------
    ("filters", "filesizeformat_small", "{{ 0|filesizeformat }}, {{ 1|filesizeformat }}, {{ 2|filesizeformat }}, {{ 999|filesizeformat }}"),
    ("filters", "filesizeformat_decimal", "{{ 1000|filesizeformat }} {{ 1500000|filesizeformat }} {{ 123456789012|filesizeformat }}"),
    ("filters", "filesizeformat_binary", "{{ 1024|filesizeformat(true) }} {{ 1048576|filesizeformat(binary=true) }} {{ 1000|filesizeformat(true) }}"),
    ("filters", "filesizeformat_huge", "{{ 1e27|filesizeformat }} {{ 1e30|filesizeformat }} {{ 9223372036854775807|filesizeformat }}"),
    ("filters", "filesizeformat_str_float_neg", "{{ '2048'|filesizeformat(true) }} {{ 1.5|filesizeformat }} {{ -5|filesizeformat }}"),
    ("filters", "filesizeformat_bad_str", "{{ 'x'|filesizeformat }}", None, None, E("could not convert string to float: 'x'")),
    ("filters", "filesizeformat_list_error", "{{ [1]|filesizeformat }}", None, None, E("float() argument must be a string or a real number, not 'list'")),
    # ---- forceescape -----------------------------------------------------------------------
    ("filters", "forceescape_basic", "{{ '<a href=\"x\">&</a>'|forceescape }}"),
    ("filters", "forceescape_safe_twice", "{{ ('<b>'|safe)|forceescape }} {{ ('&amp;'|safe)|forceescape }}"),
    ("filters", "forceescape_autoescape", "{{ '<i>'|forceescape }}", None, ["autoescape"]),
    ("filters", "forceescape_nonstr", "{{ 42|forceescape }} {{ none|forceescape }} {{ ['<']|forceescape }}"),
    # ---- groupby ---------------------------------------------------------------------------
    ("filters", "groupby_basic", "{% for city, ps in people|groupby('city', default='?') %}{{ city }}: {{ ps|map(attribute='name')|join(',') }}; {% endfor %}", CITIES),
    ("filters", "groupby_case_sensitive", "{% for city, ps in people|selectattr('city')|groupby('city', case_sensitive=true) %}{{ city }}={{ ps|length }} {% endfor %}", CITIES),
    ("filters", "groupby_prints_tuples", "{{ [{'a': 2}, {'a': 1}, {'a': 2}]|groupby('a') }}"),
    ("filters", "groupby_index_attribute", "{{ [[1, 'x'], [0, 'y'], [1, 'z']]|groupby(0) }}"),
    ("filters", "groupby_nested", "{% for k, v in users|groupby('city.name') %}{{ k }}:{{ v|length }} {% endfor %}", USERS),
    ("filters", "groupby_empty", "{{ []|groupby('a') }} {{ nothing|groupby('a') }}"),
    ("filters", "groupby_mixed_error", "{{ [{'a': 1}, {'a': 'x'}]|groupby('a') }}", None, None, E("'<' not supported between instances of 'str' and 'int'")),
    # ---- indent ----------------------------------------------------------------------------
    ("filters", "indent_default", "{{ 'a\\nb\\n\\nc'|indent }}"),
    ("filters", "indent_first_blank", "{{ 'a\\n\\nb'|indent(2, true, true) }}|{{ 'a\\n\\nb'|indent(first=true) }}"),
    ("filters", "indent_string_width", "{{ 'x\\ny'|indent('> ') }}|{{ 'x\\ny'|indent('', true) }}"),
    ("filters", "indent_trailing_newline", "[{{ 'a\\nb\\n'|indent(2) }}] [{{ ''|indent(first=true) }}] [{{ '\\n'|indent(2, blank=true) }}]"),
    ("filters", "indent_crlf_unicode", "{{ 'ä\\r\\nö\\u2028ü'|indent(1) }}"),
    ("filters", "indent_markup", "{{ ('<b>\\n<i>'|safe)|indent('&') }}", None, ["autoescape"]),
    ("filters", "indent_int_error", "{{ 42|indent }}", None, None, E("unsupported operand type(s) for +=: 'int' and 'str'")),
    # ---- items -----------------------------------------------------------------------------
    ("filters", "items_dict", "{% for k, v in {'a': 1, 'b': [2]}|items %}{{ k }}={{ v }};{% endfor %}"),
    ("filters", "items_list", "{{ {'x': none}|items|list }} {{ {}|items|list }}"),
    ("filters", "items_undefined", "{{ nothing|items|list }}"),
    ("filters", "items_list_error", "{{ [1]|items|list }}", None, None, E("Can only get item pairs from a mapping.")),
    # ---- pprint ----------------------------------------------------------------------------
    ("filters", "pprint_scalars", "{{ 'abc'|pprint }} {{ none|pprint }} {{ 1.5|pprint }} {{ true|pprint }} {{ (1,)|pprint }}"),
    ("filters", "pprint_sorted_dict", "{{ {'b': [1, 2], 'a': {'z': 1, 'y': 'x'}}|pprint }}"),
    ("filters", "pprint_wrapped_list", "{{ range(30)|list|pprint }}"),
    ("filters", "pprint_wrapped_dict", "{{ {'key_number_one': 'a' * 30, 'key_two': [1, 2, 3], 'k3': {'nested': 'b' * 40, 'x': 1}}|pprint }}"),
    ("filters", "pprint_mixed_keys", "{{ {(1, 2): 'x', 'b': none, 1: 2, 0.5: 1}|pprint }}"),
    ("filters", "pprint_unicode_empty", "{{ ['ä', '😀', {}]|pprint }} {{ []|pprint }}"),
    # ---- reverse ---------------------------------------------------------------------------
    ("filters", "reverse_str", "{{ 'héllo😀'|reverse }} [{{ ''|reverse }}]"),
    ("filters", "reverse_list_dict", "{{ [1, 2, 3]|reverse|list }} {{ {'a': 1, 'b': 2}|reverse|list }} {{ (1, 2)|reverse|list }}"),
    ("filters", "reverse_loop", "{% for x in range(3)|reverse %}{{ x }}{% endfor %}"),
    ("filters", "reverse_undefined", "{{ nothing|reverse|list }}"),
    ("filters", "reverse_int_error", "{{ 5|reverse }}", None, None, E("argument must be iterable")),
    # ---- slice -----------------------------------------------------------------------------
    ("filters", "slice_columns", "{{ range(10)|slice(3)|list }}"),
    ("filters", "slice_fill", "{{ range(10)|slice(3, 'x')|list }} {{ range(9)|slice(3, 'x')|list }}"),
    ("filters", "slice_more_than_items", "{{ [1, 2]|slice(4)|list }} {{ []|slice(2)|list }}"),
    ("filters", "slice_negative", "{{ range(3)|slice(-1)|list }}"),
    ("filters", "slice_str", "{{ 'abcdé'|slice(2)|list }}"),
    ("filters", "slice_zero_error", "{{ range(3)|slice(0)|list }}", None, None, E("integer division or modulo by zero")),
    # ---- striptags -------------------------------------------------------------------------
    ("filters", "striptags_basic", "{{ '<p>Hello <b>world</b></p>'|striptags }}"),
    ("filters", "striptags_comments_ws", "{{ 'a <!-- x <b> -->  b\\n\\t<br/>c   d'|striptags }}"),
    ("filters", "striptags_entities", "{{ 'x &lt; y &amp;&amp; &copy &#169; &#x41; &nbsp;z &bogus; &amp'|striptags }}"),
    ("filters", "striptags_unclosed", "{{ 'a < b and c <d'|striptags }}"),
    ("filters", "striptags_safe_and_nonstr", "{{ ('<i>a</i> &amp; b'|safe)|striptags }} {{ 42|striptags }} [{{ ''|striptags }}]"),
    ("filters", "striptags_numeric_edge", "{{ '&#0; &#128; &#xD800; &#1114112; &#65;&#x1F600;'|striptags }}"),
    # ---- truncate --------------------------------------------------------------------------
    ("filters", "truncate_doc_examples", "{{ 'foo bar baz qux'|truncate(9) }}|{{ 'foo bar baz qux'|truncate(9, True) }}|{{ 'foo bar baz qux'|truncate(11) }}|{{ 'foo bar baz qux'|truncate(11, False, '...', 0) }}"),
    ("filters", "truncate_default_length", "{{ ('word ' * 60)|truncate|length }}"),
    ("filters", "truncate_unicode", "{{ 'héllo wörld ünicode'|truncate(10, leeway=0) }} {{ 'ÄÖÜäöüß'|truncate(5, true, '…', 0) }}"),
    ("filters", "truncate_end_and_leeway", "{{ 'abcdefghij'|truncate(5, end='') }} {{ 'abcdefghij'|truncate(8) }} {{ 'abcdefghij'|truncate(5, true, leeway=4) }}"),
    ("filters", "truncate_huge_numbers", "{{ 'abc def'|truncate(9223372036854775807) }} {{ 'abc def'|truncate(5, leeway=9223372036854775807) }} {{ 'Hello World'|truncate(6, leeway=0) }}"),
    ("filters", "truncate_no_space", "{{ 'abcdefghijklmnop'|truncate(8, leeway=0) }}"),
    ("filters", "truncate_short_length_error", "{{ 'abcdef'|truncate(2) }}", None, None, E("expected length >= 3, got 2")),
    ("filters", "truncate_int_error", "{{ 42|truncate }}", None, None, E("object of type 'int' has no len()")),
    # ---- urlencode -------------------------------------------------------------------------
    ("filters", "urlencode_str", "{{ 'a b/c?d=é&~_.-'|urlencode }}"),
    ("filters", "urlencode_dict", "{{ {'a': 'b c', 'x/y': 1, 'ü': none}|urlencode }}"),
    ("filters", "urlencode_pairs", "{{ [('a', 1), ('b', '&')]|urlencode }}"),
    ("filters", "urlencode_scalars", "{{ 42|urlencode }} {{ none|urlencode }} [{{ ''|urlencode }}] [{{ nothing|urlencode }}]"),
    ("filters", "urlencode_bad_pairs", "{{ [1, 2]|urlencode }}", None, None, E("'int' object is not iterable")),
    # ---- urlize ----------------------------------------------------------------------------
    ("filters", "urlize_basic", "{{ 'visit www.example.com or http://x.org/a?b=1. mail me@example.com'|urlize }}"),
    ("filters", "urlize_parens_trailing", "{{ '(see https://a.com/b), <http://b.org> and (http://c.org/x_(y))'|urlize }}"),
    ("filters", "urlize_trim_nofollow_target", "{{ 'http://example.com/very/long/path'|urlize(10, true, target='_blank') }}"),
    ("filters", "urlize_trim_limits", "{{ 'http://a.com/'|urlize(3) }} {{ 'http://a.com/'|urlize(0) }} {{ 'http://a.com/'|urlize(trim_url_limit=-1) }}"),
    ("filters", "urlize_rel_mailto", "{{ 'mailto:a@b.co and example.org'|urlize(rel='me') }}"),
    ("filters", "urlize_escapes_text", "{{ '<b>http://x.com</b> & http://y.com/?a=1&b=2'|urlize }}"),
    ("filters", "urlize_autoescape", "{{ 'go to http://x.com now'|urlize }}", None, ["autoescape"]),
    ("filters", "urlize_ip_and_plain", "{{ 'http://127.0.0.1:8080/x plain words foo.bar localhost'|urlize }}"),
    # ---- wordcount -------------------------------------------------------------------------
    ("filters", "wordcount_basic", "{{ 'hello world, foo_bar 42'|wordcount }} {{ ''|wordcount }}"),
    ("filters", "wordcount_unicode", "{{ 'ünï ça-va straße 😀 x'|wordcount }}"),
    ("filters", "wordcount_nonstr", "{{ 123|wordcount }} {{ none|wordcount }} {{ [1, 2]|wordcount }}"),
    # ---- wordwrap --------------------------------------------------------------------------
    ("filters", "wordwrap_basic", "{{ 'The quick brown fox jumps over the lazy dog'|wordwrap(10) }}"),
    ("filters", "wordwrap_long_words", "{{ 'a verylongwordthatneedsbreaking here'|wordwrap(8) }}|{{ 'a verylongwordthatneedsbreaking here'|wordwrap(8, false) }}"),
    ("filters", "wordwrap_hyphens", "{{ 'one-two-three-four five'|wordwrap(7) }}|{{ 'one-two-three-four five'|wordwrap(7, break_on_hyphens=false) }}"),
    ("filters", "wordwrap_paragraphs", "{{ 'line one\\n\\nline two is long'|wordwrap(6, wrapstring='<br>') }}"),
    ("filters", "wordwrap_whitespace", "[{{ '  lead  spaces   here '|wordwrap(5) }}] [{{ ''|wordwrap }}]"),
    ("filters", "wordwrap_unicode", "{{ 'ääää öööö üüüü ßßßß'|wordwrap(9) }}"),
    ("filters", "wordwrap_default_width", "{{ ('abc ' * 30)|wordwrap }}"),
    ("filters", "wordwrap_zero_width_error", "{{ 'a b'|wordwrap(0) }}", None, None, E("invalid width 0 (must be > 0)")),
    ("filters", "wordwrap_int_error", "{{ 5|wordwrap }}", None, None, E("'int' object has no attribute 'splitlines'")),
    # ---- xmlattr ---------------------------------------------------------------------------
    ("filters", "xmlattr_basic", "<ul{{ {'class': 'my list', 'id': 'x<y', 'missing': none, 'u': nothing}|xmlattr }}>"),
    ("filters", "xmlattr_no_autospace", "[{{ {'a': 1, 'b': true}|xmlattr(false) }}] [{{ {}|xmlattr }}]"),
    ("filters", "xmlattr_autoescape", "<p{{ {'title': '\"&\"'}|xmlattr }}>", None, ["autoescape"]),
    ("filters", "xmlattr_bad_key", "{{ {'a b': 1}|xmlattr }}", None, None, E("Invalid character in attribute name: 'a b'")),
    ("filters", "xmlattr_list_error", "{{ [1]|xmlattr }}", None, None, E("'list' object has no attribute 'items'")),
    # ---- lipsum ----------------------------------------------------------------------------
    ("functions", "lipsum_html", "{{ lipsum(2).startswith('<p>') }} {{ lipsum(2).count('<p>') }} {{ lipsum(3, min=5, max=6).endswith('.</p>') }}", None, ["seed=3"], O("True 2 True")),
    ("functions", "lipsum_plain", "{% set t = lipsum(1, false, 20, 21) %}{{ t.split()|length }} {{ t[0] is upper }} {{ t[-1] }}", None, ["seed=5"], O("20 True .")),
    ("functions", "lipsum_seeded_repeatable", "{{ lipsum(1, false, 5, 8) == lipsum(1, false, 5, 8) }}", None, ["seed=7"], O("False")),
    ("functions", "lipsum_empty_range", "{{ lipsum(1, min=5, max=5) }}", None, None, E("empty range for randrange() (5, 5)")),
    # ---- Jinjava: bool ---------------------------------------------------------------------
    ("filters", "bool_strings", "{{ 'true'|bool }} {{ 'YES'|bool }} {{ 'on'|bool }} {{ 'y'|bool }} {{ 't'|bool }} {{ '1'|bool }} {{ 'no'|bool }} {{ ''|bool }} {{ 'false'|bool }}", None, None, O("True True True True True True False False False")),
    ("filters", "bool_other_types", "{{ true|bool }} {{ 0|bool }} {{ -2|bool }} {{ 0.0|bool }} {{ none|bool }} {{ [1]|bool }} {{ nothing|bool }}", None, None, O("True False True False False False False")),
    # ---- Jinjava: add / multiply / divide / divisible --------------------------------------
    ("filters", "add_numbers", "{{ 1|add(2) }} {{ 1.5|add(1) }} {{ '2'|add('3') }} {{ '1.5'|add(2) }} {{ -1|add(-2) }}", None, None, O("3 2.5 5 3.5 -3")),
    ("filters", "add_overflow", "{{ 9223372036854775807|add(1) }}", None, None, E("integer overflow")),
    ("filters", "add_not_number", "{{ 'x'|add(1) }}", None, None, E("add: 'x' is not a number")),
    ("filters", "add_list_error", "{{ [1]|add(1) }}", None, None, E("add: expected a number, not 'list'")),
    ("filters", "multiply_numbers", "{{ 2|multiply(3) }} {{ 10|multiply(0.25) }} {{ '4'|multiply(2) }} {{ -3|multiply(-3) }}", None, None, O("6 2.5 8 9")),
    ("filters", "multiply_overflow", "{{ 9223372036854775807|multiply(2) }}", None, None, E("integer overflow")),
    ("filters", "divide_rounds_half_up", "{{ 9|divide(10) }} {{ 2|divide(100) }} {{ 10|divide(4) }} {{ -15|divide(10) }} {{ 7|divide(-2) }} {{ 12|divide(4) }}", None, None, O("1 0 3 -2 -4 3")),
    ("filters", "divide_float", "{{ 7.0|divide(2) }} {{ 1.0|divide(3)|round(4) }} {{ 10|divide(2.5) }} {{ 9223372036854775807|divide(-1) }}", None, None, O("3.5 0.3333 4 -9223372036854775807")),
    ("filters", "divide_by_zero", "{{ 1|divide(0) }}", None, None, E("divide: division by zero")),
    ("filters", "divisible_values", "{{ 10|divisible(5) }} {{ 10|divisible(3) }} {{ 0|divisible(7) }} {{ 10.9|divisible(5) }} {{ (-9223372036854775807 - 1)|divisible(-1) }}", None, None, O("True False True True True")),
    ("filters", "divisible_zero", "{{ 10|divisible(0) }}", None, None, E("divisible: division by zero")),
    # ---- Jinjava: log / root ---------------------------------------------------------------
    ("filters", "log_values", "{{ 8|log(2) }} {{ 1|log }} {{ (2.718281828459045|log)|round(6) }} {{ 1000|log(10)|round(9) }}", None, None, O("3.0 0.0 1.0 3.0")),
    ("filters", "log_domain", "{{ 0|log }}", None, None, E("log: math domain error")),
    ("filters", "root_values", "{{ 16|root }} {{ 27|root(3) }} {{ -8|root(3) }} {{ 2|root|round(4) }} {{ 0|root }}", None, None, O("4.0 3.0 -2.0 1.4142 0.0")),
    ("filters", "root_negative_even", "{{ -4|root }}", None, None, E("root: math domain error")),
    # ---- Jinjava: cut / split ---------------------------------------------------------------
    ("filters", "cut_values", "{{ 'a-b-c'|cut('-') }} {{ 12321|cut(2) }} {{ 'ÄbÄc'|cut('Ä') }} [{{ ''|cut('x') }}] {{ 'abc'|cut('') }}", None, None, O("abc 131 bc [] abc")),
    ("filters", "split_separator", "{{ ' a , b,,c '|split(',') }} {{ 'a;b;c;d;e'|split(';', 3) }} {{ 'a--b'|split('--') }}", None, None, O("['a', 'b', 'c'] ['a', 'b', 'c;d;e'] ['a', 'b']")),
    ("filters", "split_whitespace", "{{ '  a b\\t c\\n'|split }} {{ ''|split }} {{ 'äö üß'|split }} {{ 123|split }}", None, None, O("['a', 'b', 'c'] [] ['äö', 'üß'] ['123']")),
    ("filters", "split_limit_one", "{{ ' x , y '|split(',', 1) }}", None, None, O("['x , y']")),
    ("filters", "split_bad_separator", "{{ 'a'|split(1) }}", None, None, E("split: separator must be a string")),
    # ---- Jinjava: regex_replace ------------------------------------------------------------
    ("filters", "regex_replace_basic", "{{ 'hello 123 world 45'|regex_replace('[0-9]+', '#') }} {{ 'John Smith'|regex_replace('(\\\\w+) (\\\\w+)', '$2, $1') }}", None, None, O("hello # world # Smith, John")),
    ("filters", "regex_replace_unicode", "{{ 'Zürich straße'|regex_replace('\\\\w+', 'w') }} {{ 'aXbXc'|regex_replace('x', '-') }} [{{ ''|regex_replace('a*', '') }}]", None, None, O("w w aXbXc []")),
    ("filters", "regex_replace_catastrophic", "{{ ('a' * 40 ~ '!')|regex_replace('(a+)+$', 'x') }}", None, None, E("regular expression too expensive")),
    ("filters", "regex_replace_bad_pattern", "{{ 'x'|regex_replace('(', 'y') }}", None, None, E("bad regular expression at offset 1: missing closing parenthesis")),
    ("filters", "regex_replace_bad_group", "{{ 'x'|regex_replace('x', '$3') }}", None, None, E("bad replacement string: unknown substring")),
    # ---- Jinjava: escapejs / escapejson ----------------------------------------------------
    ("filters", "escapejs_values", "{{ 'He said \"hi\"/\\'bye\\'\\n\\t é 😀'|escapejs }}", None, None, O("He said \\\"hi\\\"\\/\\'bye\\'\\n\\t \\u00E9 \\uD83D\\uDE00")),
    ("filters", "escapejson_values", "{{ 'He said \"hi\"/\\'bye\\'\\r\\u0001 é'|escapejson }} [{{ ''|escapejson }}] {{ 42|escapejs }}", None, None, O("He said \\\"hi\\\"\\/'bye'\\r\\u0001 \\u00E9 [] 42")),
    # ---- Jinjava + vendor: md5 / hash / base64 ---------------------------------------------
    ("filters", "md5_vectors", "{{ ''|md5 }} {{ 'abc'|md5 }} {{ 'héllo'|md5 }} {{ 42|md5 }}", None, None,
     O("d41d8cd98f00b204e9800998ecf8427e 900150983cd24fb0d6963f7d28e17f72 be50e8478cf24ff3595bc7307fb91b50 a1d0c6e83f027327d8461063f4ac58a6")),
    ("filters", "hash_algorithms", "{{ 'abc'|hash('SHA-256') }} {{ 'abc'|hash('sha1') }} {{ 'abc'|hash('MD5') }} {{ ('abc'|hash('SHA-512'))[:16] }} {{ ''|hash }}", None, None,
     O("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad a9993e364706816aba3e25717850c26c9cd0d89d 900150983cd24fb0d6963f7d28e17f72 ddaf35a193617aba e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")),
    ("filters", "hash_unknown", "{{ 'abc'|hash('crc32') }}", None, None, E("hash: unknown algorithm 'crc32' (MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512)")),
    ("filters", "b64encode_rfc4648", "[{{ ''|b64encode }}] {{ 'f'|b64encode }} {{ 'fo'|b64encode }} {{ 'foo'|b64encode }} {{ 'foob'|b64encode }} {{ 'fooba'|base64Encode }} {{ 'foobar'|base64Encode }}", None, None,
     O("[] Zg== Zm8= Zm9v Zm9vYg== Zm9vYmE= Zm9vYmFy")),
    ("filters", "b64_unicode_roundtrip", "{{ 'héllo 😀'|b64encode }} {{ 'héllo 😀'|b64encode|b64decode }} {{ 'Zm9vYg'|base64Decode }} {{ 'Zm9v\\nYmFy'|b64decode }}", None, None,
     O("aMOpbGxvIPCfmIA= héllo 😀 foob foobar")),
    ("filters", "b64decode_invalid", "{{ '!!!'|b64decode }}", None, None, E("b64decode: invalid base64 character at 0")),
    ("filters", "b64decode_not_utf8", "{{ '/w=='|b64decode }}", None, None, E("invalid UTF-8 in string (byte 0)")),
    ("filters", "b64encode_bad_encoding", "{{ 'a'|b64encode('latin-1') }}", None, None, E("b64encode: unsupported encoding 'latin-1' (only UTF-8)")),
    # ---- Jinjava: shuffle / fromjson -------------------------------------------------------
    ("filters", "shuffle_keeps_items", "{{ range(20)|shuffle|sort == range(20)|list }} {{ []|shuffle }} {{ 'abc'|shuffle }} {{ [1]|shuffle }}", None, ["seed=9"], O("True [] abc [1]")),
    ("filters", "shuffle_is_copy", "{% set a = [1, 2, 3] %}{% set b = a|shuffle %}{{ a }}", None, ["seed=2"], O("[1, 2, 3]")),
    ("filters", "fromjson_values", "{{ '{\"a\": [1, 2.5, null, true], \"b\": \"x\"}'|fromjson }} {{ ('[1, 2]'|fromjson)|sum }} {{ '\"\\\\u00e9\"'|fromjson }}", None, None,
     O("{'a': [1, 2.5, None, True], 'b': 'x'} 3 é")),
    ("filters", "fromjson_bad", "{{ '{bad'|fromjson }}", None, None, E("fromjson is not valid JSON: string or '}' expected near 'bad' at line 1, column 4")),
    ("filters", "fromjson_not_string", "{{ 42|fromjson }}", None, None, E("fromjson: expected a string, not 'int'")),
    # ---- Jinjava: set operations ------------------------------------------------------------
    ("filters", "set_union", "{{ [1, 2, 3, 2]|union([3, 4, 1]) }} {{ []|union([]) }} {{ ['a']|union('b') }}", None, None, O("[1, 2, 3, 4] [] ['a', 'b']")),
    ("filters", "set_intersect", "{{ [1, 2, 3]|intersect([3, 2, 5]) }} {{ [1, 1, 2]|intersect([1]) }} {{ [[1], [2]]|intersect([[2]]) }}", None, None, O("[2, 3] [1] [[2]]")),
    ("filters", "set_difference", "{{ [1, 2, 3]|difference([2]) }} {{ ['a', 'b']|difference([]) }} {{ [1, 2]|difference(none) }}", None, None, O("[1, 3] ['a', 'b'] [1, 2]")),
    ("filters", "set_symmetric_difference", "{{ [1, 2, 3]|symmetric_difference([3, 4]) }} {{ [1]|symmetric_difference([1]) }}", None, None, O("[1, 2, 4] []")),
    # ---- Jinjava: truncatehtml -------------------------------------------------------------
    ("filters", "truncatehtml_closes_tags", "{{ '<p>Hello <b>big</b> world of html</p>'|truncatehtml(12) }}", None, None, O("<p>Hello <b>big</b>...</p>")),
    ("filters", "truncatehtml_breakword", "{{ '<p>Hello <b>bigword</b> x</p>'|truncatehtml(8, '…', true) }}", None, None, O("<p>Hello <b>bi…</b></p>")),
    ("filters", "truncatehtml_short_and_void", "{{ '<p>short<br>text</p>'|truncatehtml(50) }} {{ 'a &amp; b c d'|truncatehtml(5) }}", None, None, O("<p>short<br>text</p> a &amp; b...")),
    # ---- Jinjava: ipaddr -------------------------------------------------------------------
    ("filters", "ipaddr_validate", "{{ '192.168.1.5/24'|ipaddr }} {{ 'x'|ipaddr }} {{ '::1'|ipaddr }} {{ 42|ipaddr }} {{ '300.1.1.1'|ipaddr }}", None, None, O("192.168.1.5/24 False ::1 False False")),
    ("filters", "ipaddr_queries", "{{ '192.168.1.5/24'|ipaddr('network') }} {{ '192.168.1.5/24'|ipaddr('broadcast') }} {{ '192.168.1.5/24'|ipaddr('netmask') }} {{ '192.168.1.5/24'|ipaddr('prefix') }} {{ '192.168.1.5/24'|ipaddr('address') }} {{ '2001:db8::1/64'|ipaddr('network') }}", None, None,
     O("192.168.1.0 192.168.1.255 255.255.255.0 24 192.168.1.5 2001:db8::")),
    ("filters", "ipaddr_lists", "{{ ['1.2.3.4', 'x', '::1']|ipaddr }} {{ ['1.2.3.4', '::1']|ipv6 }} {{ ['1.2.3.4', '::1']|ipv4 }} {{ ['10.0.0.1', '8.8.8.8']|ipaddr('private') }} {{ ['10.0.0.1', '8.8.8.8']|ipaddr('public') }}", None, None,
     O("['1.2.3.4', '::1'] ['::1'] ['1.2.3.4'] ['10.0.0.1'] ['8.8.8.8']")),
    ("filters", "ipaddr_bad_query", "{{ '1.2.3.4'|ipaddr('nope') }}", None, None, E("ipaddr: unknown query 'nope'")),
    # ---- Jinjava: type ---------------------------------------------------------------------
    ("functions", "type_names", "{{ type(1) }} {{ type(9999999999) }} {{ type(1.5) }} {{ type('a') }} {{ type([]) }} {{ type((1,)) }} {{ type({}) }} {{ type(true) }} {{ type(none) }} {{ type(nothing) }}{% macro m() %}{% endmacro %} {{ type(m) }}", None, None,
     O("int long float str list list dict bool null null unknown")),
    # ---- dates: datetimeformat -------------------------------------------------------------
    ("filters", "datetimeformat_default", "{{ 0|datetimeformat }} {{ %d|datetimeformat }}" % T, None, None, O("00:00 / 01-01-1970 22:13 / 14-11-2023")),
    ("filters", "datetimeformat_directives", "{{ %d|datetimeformat('%%Y-%%m-%%d %%H:%%M:%%S %%Z %%z|%%a %%A %%b %%B|%%j %%p %%I %%y %%e %%-d %%-m %%f|%%w %%u %%U %%W|%%x %%X|%%c|%%%%') }}" % (T + 123), None, None,
     O("2023-11-14 22:13:20 UTC +0000|Tue Tuesday Nov November|318 PM 10 23 14 14 11 123000|2 2 46 46|11/14/23 22:13:20|Tue Nov 14 22:13:20 2023|%")),
    ("filters", "datetimeformat_zones", "{{ %d|datetimeformat('%%H:%%M %%Z %%z', 'Europe/Warsaw') }}, {{ 1690000000000|datetimeformat('%%d %%H:%%M %%Z %%z', tz='Europe/Warsaw') }}, {{ %d|datetimeformat('%%H:%%M %%Z', 'America/New_York') }}, {{ 1690000000000|datetimeformat('%%H:%%M %%Z', timezone='Australia/Sydney') }}" % (T, T), None, None,
     O("23:13 CET +0100, 22 06:26 CEST +0200, 17:13 EST, 14:26 AEST")),
    ("filters", "datetimeformat_offsets", "{{ %d|datetimeformat('%%H:%%M %%z', '+05:30') }} {{ %d|datetimeformat('%%H:%%M %%z', 'UTC-3') }} {{ %d|datetimeformat('%%H:%%M %%Z', 'Z') }}" % (T, T, T), None, None,
     O("03:43 +0530 19:13 -0300 22:13 UTC")),
    ("filters", "datetimeformat_far_dates", "{{ 4102444800000|datetimeformat('%Y-%m-%d %H:%M %Z', 'Europe/Warsaw') }} {{ 4118000000000|datetimeformat('%Y-%m-%d %H:%M %Z', 'America/New_York') }} {{ -2000000000000|datetimeformat('%Y-%m-%d %H:%M %Z', 'Europe/Warsaw') }} {{ -1|datetimeformat('%Y-%m-%d %H:%M:%S %f') }}", None, None,
     O("2100-01-01 01:00 CET 2100-06-29 20:53 EDT 1906-08-16 21:50 WMT 1969-12-31 23:59:59 999000")),
    ("filters", "datetimeformat_iso_string", "{{ '2023-11-14T23:13:20+01:00'|datetimeformat('%Y-%m-%d %H:%M') }} {{ datetimeformat(0, '%Y') }}", None, None, O("2023-11-14 22:13 1970")),
    ("filters", "datetimeformat_unknown_zone", "{{ 0|datetimeformat(timezone='Nowhere/City') }}", None, None, E("unknown time zone 'Nowhere/City'")),
    ("filters", "datetimeformat_zone_path", "{{ 0|datetimeformat(timezone='../../etc/passwd') }}", None, None, E("unknown time zone '../../etc/passwd'")),
    ("filters", "datetimeformat_bad_type", "{{ [1]|datetimeformat }}", None, None, E("datetimeformat: expected a datetime (epoch milliseconds), not 'list'")),
    ("filters", "datetimeformat_out_of_range", "{{ 9223372036854775807|datetimeformat }}", None, None, E("datetimeformat: datetime out of range")),
    # ---- dates: format_date / format_time / format_datetime --------------------------------
    ("filters", "format_date_styles", "{{ %d|format_date }} | {{ %d|format_date('short') }} | {{ %d|format_date('long') }} | {{ %d|format_date('full') }}" % (T, T, T, T), None, None,
     O("Nov 14, 2023 | 11/14/23 | November 14, 2023 | Tuesday, November 14, 2023")),
    ("filters", "format_time_datetime_styles", "{{ %d|format_time }} | {{ %d|format_time('short') }} | {{ %d|format_datetime }} | {{ %d|format_datetime('long', 'Europe/Warsaw') }}" % (T, T, T, T), None, None,
     O("10:13:20 PM | 10:13 PM | Nov 14, 2023, 10:13:20 PM | November 14, 2023 at 11:13:20 PM CET")),
    ("filters", "format_date_pattern", "{{ %d|format_date(\"yyyy-MM-dd'T'HH:mm:ss.SSSXXX\", 'Asia/Tokyo') }} {{ %d|format_datetime('EEE, d MMM yy h:mm a VV') }} {{ 0|format_date(\"''yy''\") }}" % (T, T), None, None,
     O("2023-11-15T07:13:20.000+09:00 Tue, 14 Nov 23 10:13 PM UTC '70'")),
    ("filters", "format_date_bad_letter", "{{ 0|format_date('yyyy-QQ') }}", None, None, E("unsupported pattern letter 'Q' in date format")),
    ("filters", "format_date_locale", "{{ 0|format_date('medium', 'UTC', 'pl_PL') }}", None, None, E("unsupported locale (only English names are built in)")),
    # ---- dates: parsing ---------------------------------------------------------------------
    ("filters", "iso8601_to_time_values", "{{ '2023-11-14T22:13:20Z'|iso8601_to_time }} {{ '2023-11-14T23:13:20.5+01:00'|iso8601_to_time }} {{ '2023-11-14'|iso8601_to_time }} {{ '1969-12-31T23:59:59Z'|iso8601_to_time }}", None, None,
     O("1700000000000 1700000000500 1699920000000 -1000")),
    ("filters", "iso8601_to_time_bad", "{{ '2023-02-29'|iso8601_to_time }}", None, None, E("not an ISO-8601 datetime: '2023-02-29'")),
    ("filters", "timestamp_to_time_values", "{{ 1700000000|timestamp_to_time }} {{ 1700000000000|timestamp_to_time }} {{ '1700000000'|timestamp_to_time }} {{ 1700000000.25|timestamp_to_time }}", None, None,
     O("1700000000000 1700000000000 1700000000000 1700000000250")),
    ("filters", "strtotime_patterns", "{{ '2023-11-14 22:13'|strtotime('yyyy-MM-dd HH:mm') }} {{ '14/Nov/2023:23:13:20 +0100'|strtotime('dd/MMM/yyyy:HH:mm:ss Z') }} {{ '2023-11-14T22:13:20Z'|strtotime(\"yyyy-MM-dd'T'HH:mm:ssX\") }} {{ 'Tuesday 11/14/23 10:13 PM'|strtotime('EEEE MM/dd/yy hh:mm a') }}", None, None,
     O("1699999980000 1700000000000 1700000000000 1699999980000")),
    ("functions", "strtotime_function_zone", "{{ strtotime('2023-07-01 12:00', 'yyyy-MM-dd HH:mm', 'Europe/Warsaw')|datetimeformat('%H:%M %Z', 'Europe/Warsaw') }} {{ strtotime('2023-11-14T22:13:20Z') }}", None, None, O("12:00 CEST 1700000000000")),
    ("filters", "strtotime_bad_hour", "{{ '2023-01-01 25:00'|strtotime('yyyy-MM-dd HH:mm') }}", None, None, E("strtotime: '2023-01-01 25:00' does not match the format 'yyyy-MM-dd HH:mm'")),
    ("filters", "strtotime_mismatch", "{{ 'nope'|strtotime('yyyy-MM-dd') }}", None, None, E("strtotime: 'nope' does not match the format 'yyyy-MM-dd'")),
    # ---- dates: arithmetic ------------------------------------------------------------------
    ("filters", "plus_time_units", "{{ 0|plus_time(1, 'days') }} {{ 0|plus_time(2, 'hours') }} {{ 0|plus_time(3) }} {{ 0|plus_time(90, 'seconds') }} {{ 0|plus_time(1, 'weeks') }}", None, None,
     O("86400000 7200000 259200000 90000 604800000")),
    ("filters", "plus_time_months_clamp", "{{ 1706659200000|plus_time(1, 'months')|datetimeformat('%Y-%m-%d') }} {{ 1706659200000|plus_time(13, 'months')|datetimeformat('%Y-%m-%d') }} {{ 1709164800000|plus_time(1, 'years')|datetimeformat('%Y-%m-%d') }}", None, None,
     O("2024-02-29 2025-02-28 2025-02-28")),
    ("filters", "minus_time_units", "{{ 0|minus_time(1, 'years')|datetimeformat('%Y-%m-%d') }} {{ 86400000|minus_time(1, 'day') }} {{ 0|minus_time(-1, 'minutes') }}", None, None, O("1969-01-01 0 60000")),
    ("filters", "plus_time_bad_unit", "{{ 0|plus_time(1, 'fortnights') }}", None, None, E("plus_time: unknown unit 'fortnights'")),
    ("filters", "plus_time_overflow", "{{ 0|plus_time(9223372036854775807, 'weeks') }}", None, None, E("integer overflow")),
    ("filters", "between_times_units", "{{ 0|between_times(86400000 * 3 + 5, 'days') }} {{ 0|between_times(1706659200000, 'months') }} {{ 1706659200000|between_times(0, 'years') }} {{ 0|between_times(5999, 'seconds') }} {{ 1706659200000|between_times(1709164800000, 'months') }}", None, None,
     O("3 648 -54 5 0")),
    ("functions", "unixtimestamp_today", "{{ unixtimestamp(0) }} {{ unixtimestamp() > 1700000000000 }} {{ today() % 86400000 }} {{ (today('Asia/Tokyo') + 9 * 3600000) % 86400000 }} {{ none|unixtimestamp > 0 }} {{ '1970-01-02'|unixtimestamp }}", None, None,
     O("0 True 0 0 True 86400000")),
    ("functions", "today_bad_zone", "{{ today('Mars/Olympus') }}", None, None, E("unknown time zone 'Mars/Olympus'")),
    # ---- Jinjava: unescape_html / urldecode / escape_jinjava --------------------------------
    ("filters", "unescape_html_values", "{{ '&lt;b&gt; &eacute; &#65;&#x1F600; &amp &bogus;'|unescape_html }} [{{ ''|unescape_html }}] {{ 42|unescape_html }}", None, None, O("<b> é A😀 & &bogus; [] 42")),
    ("filters", "urldecode_values", "{{ 'a%20b+c%C3%A9%2F'|urldecode }} [{{ ''|urldecode }}] {{ 'plain'|urldecode }}", None, None, O("a b cé/ [] plain")),
    ("filters", "urldecode_roundtrip", "{{ ('ä ö/ü?'|urlencode)|urldecode }}", None, None, O("ä ö/ü?")),
    ("filters", "urldecode_incomplete", "{{ 'abc%4'|urldecode }}", None, None, E("urldecode: incomplete escape at 3")),
    ("filters", "urldecode_not_utf8", "{{ '%ff'|urldecode }}", None, None, E("invalid UTF-8 in string (byte 0)")),
    ("filters", "escape_jinjava_values", "{{ '{{ x }} {% y %}'|escape_jinjava }} {{ 'plain'|escape_jinjava }}", None, None, O("&lbrace;&lbrace; x &rbrace;&rbrace; &lbrace;% y %&rbrace; plain")),
    # ---- Jinjava functions that are filters too ---------------------------------------------
    ("functions", "jinjava_function_forms", "{{ strtodate('2023-11-14', 'yyyy-MM-dd') }} {{ format_date(0) }} {{ format_time(0, 'short') }} {{ format_datetime(0, 'medium', 'Europe/Warsaw') }} {{ truncate('hello world foo', 8, leeway=0) }}", None, None,
     O("1699920000000 Jan 1, 1970 12:00 AM Jan 1, 1970, 1:00:00 AM hello...")),
    # ---- Jinjava tests -------------------------------------------------------------------------
    ("tests", "truthy_values", "{{ 0 is truthy }} {{ 'x' is truthy }} {{ [] is truthy }} {{ [0] is truthy }} {{ none is truthy }} {{ nothing is truthy }} {{ 0.0 is not truthy }}", None, None, O("False True False True False False True")),
    ("tests", "containing_values", "{{ [1, 2] is containing 2 }} {{ [1, 2] is containing 3 }} {{ 'abc' is containing 'bc' }} {{ {'k': 1} is containing 'k' }} {{ [[1]] is containing [1] }}", None, None, O("True False True True True")),
    ("tests", "containingall_values", "{{ [1, 2, 3] is containingall [3, 1] }} {{ [1, 2] is containingall [1, 4] }} {{ [] is containingall [] }} {{ 'abc' is containingall ['a', 'c'] }}", None, None, O("True False True True")),
    ("tests", "containingall_not_list", "{{ [1] is containingall 1 }}", None, None, E("containingall: expected a list, not 'int'")),
    ("tests", "string_containing_values", "{{ 'abc' is string_containing 'b' }} {{ 'abc' is string_containing 'x' }} {{ 'äöü' is string_containing 'ö' }} {{ 123 is string_containing '2' }} {{ 'a1' is string_containing 1 }} {{ 'abc' is string_containing '' }}", None, None, O("True False True False True True")),
    ("tests", "string_startingwith_values", "{{ 'abc' is string_startingwith 'ab' }} {{ 'abc' is string_startingwith 'bc' }} {{ 'äb' is string_startingwith 'ä' }} {{ none is string_startingwith 'n' }} {{ 'a' is string_startingwith 'abc' }}", None, None, O("True False True False False")),
    ("tests", "within_values", "{{ 2 is within [1, 2] }} {{ 'a' is within 'cat' }} {{ 3 is not within [1, 2] }} {{ 'k' is within {'k': 1} }}", None, None, O("True True True True")),
    ("tests", "within_not_container", "{{ 1 is within 5 }}", None, None, E("argument of type 'int' is not iterable")),
    ("tests", "test_and_filter_know_new_names", "{{ 'wordwrap' is filter }} {{ 'md5' is filter }} {{ 'truthy' is test }} {{ 'within' is test }} {{ 'nope' is filter }}", None, None, O("True True True True False")),
]

JINJA_FILTERS = ("attr batch center filesizeformat forceescape groupby indent items pprint reverse slice "
                 "striptags truncate urlencode urlize wordcount wordwrap xmlattr").split()

# extra reference-diff cases (tests/diff/corpus/filters2): chains and loops
CORPUS_EXTRA = {
    "chain_wordwrap_indent": "{{ ('lorem ipsum dolor sit amet ' * 4)|wordwrap(20)|indent(4, true) }}",
    "chain_striptags_truncate": "{{ '<p>' ~ ('word ' * 20) ~ '</p>'|striptags }} {{ ('<p>' ~ ('word ' * 20) ~ '</p>')|striptags|truncate(30) }}",
    "chain_groupby_dictsort": "{% for k, v in [{'a': 'y', 'b': 1}, {'a': 'x', 'b': 2}]|groupby('a') %}{{ k }}{{ v|map(attribute='b')|list }}{% endfor %}",
    "chain_batch_slice": "{% for col in range(10)|slice(2) %}{% for row in col|batch(2) %}{{ row }}{% endfor %};{% endfor %}",
    "chain_reverse_join": "{{ 'abc'|reverse|upper }} {{ [3, 1, 2]|sort|reverse|join('-') }}",
    "center_in_loop": "{% for w in ['a', 'bb', 'ccc'] %}[{{ w|center(5) }}]{% endfor %}",
    "urlencode_in_link": "<a href=\"/s?{{ {'q': 'fish & chips', 'page': 2}|urlencode }}\">",
    "filesizeformat_loop": "{% for n in [0, 1, 512, 1024, 10**6, 10**9, 10**12, 10**15, 10**18] %}{{ n|filesizeformat }}|{{ n|filesizeformat(true) }} {% endfor %}",
    "wordcount_text": "{{ 'It was the best of times, it was the worst of times.'|wordcount }}",
    "pprint_nested": "{{ {'users': [{'name': 'a' * 20, 'tags': ['x', 'y', 'z'] * 4}, {'name': 'b'}], 'count': 2}|pprint }}",
    "items_sorted": "{% for k, v in {'b': 2, 'a': 1}|items|sort %}{{ k }}{{ v }}{% endfor %}",
    "truncate_killwords_end": "{{ 'Lorem ipsum dolor sit amet'|truncate(15, true, '>>') }}",
    "xmlattr_in_tag": "<input{{ {'type': 'text', 'value': 'a \"b\" <c>', 'disabled': none}|xmlattr }}>",
    "striptags_script": "{{ '<script>alert(1)</script><style>x{}</style>text'|striptags }}",
    "urlize_multiline": "{{ 'first http://a.com\nsecond www.b.org.\n(third https://c.net)'|urlize }}",
    "wordwrap_hyphen_edge": "{{ 'a--b--c'|wordwrap(3) }}|{{ '-----'|wordwrap(2) }}|{{ 'aa--bb cc---dd e-f-g-h'|wordwrap(4) }}|{{ 'xx -- yy'|wordwrap(2) }}",
    "wordcount_unicode_digits": "{{ 'tab\there  and\u00a0nbsp'|wordcount }} {{ 'x\u0301y'|wordcount }} {{ '٣٤ ½ Ⅻ'|wordcount }}",
    "urlize_domains": "{{ 'www.example.com/path test@example a@b.c.d http://[::1]:80/ x.com foo.com.'|urlize }}",
    "striptags_entities_edge": "{{ '&notit; &notin; &amp;amp; &AMP &ampx &#x110000;&#xDFFF;&#9;&#127;&#x80;&#x9f;'|striptags }}",
    "groupby_none_and_case": "{{ [{'a': none}, {'a': none}]|groupby('a') }} {{ [{'a': 'B'}, {'a': 'b'}, {'a': 'a'}]|groupby('a') }}",
}


def write_corpus():
    """tests/diff/corpus/filters2: the Jinja2-checked rows of the filters above, and extras"""
    d = os.path.join(os.path.dirname(HERE), "diff", "corpus", "filters2")
    os.makedirs(d, exist_ok=True)
    n = 0
    for row in ROWS:
        group, name, tpl, ctx, opts, exp = unpack(row)[:6]
        if opts or isinstance(exp, O) or not any(name.startswith(k + "_") for k in JINJA_FILTERS):
            continue
        with open(os.path.join(d, name + ".jinja"), "w", encoding="utf-8") as f:
            f.write(tpl)
        if ctx:
            with open(os.path.join(d, name + ".json"), "w", encoding="utf-8") as f:
                json.dump(ctx, f, ensure_ascii=False)
        n += 1
    for name, tpl in CORPUS_EXTRA.items():
        with open(os.path.join(d, name + ".jinja"), "w", encoding="utf-8") as f:
            f.write(tpl)
        n += 1
    print(f"corpus filters2: {n}")


if __name__ == "__main__":
    rc = G.main(ROWS)
    write_corpus()
    sys.exit(rc)
