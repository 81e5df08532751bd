/*
 * opcodes.h — THE list of VM instructions. Everything else (the enum, the disassembler's
 * names, the computed-goto table) is derived from this one X-macro list; never keep a
 * parallel table by hand.
 *
 * An instruction is 8 bytes: op (u8), c (u8), b (u16), a (i32). Columns:
 *   OP(name, operands, pops, pushes)   — pops/pushes of -1 mean "depends on an operand".
 * The comment above each says what it does and which operand holds what.
 *
 * `operands` is how the disassembler prints them (comp_disasm reads nothing else): text, and
 * %X<field> where field is a, b or c and X the operand's kind —
 *   %a %b %c  the number itself         %N  names[field] (a variable or attribute name)
 *   %S  the name of slot field          %T  template text field      %K  constant field
 *   %F %E %U  filter, test ("not " when b), function: a row of the env's registry
 *   %O %C  binary / comparison operator (operators.h)    %L  loop field (LOOP_FIELDS)
 *   %I  insert kind (JINN_LOOKUP_KINDS)  %D  dependency template   %B  block
 *   %R  the slot range a..a+b-1         %?X  the rest only when field X is non-zero
 */

/* write template text a (a slice of the source) to the output */
OP(TEXT, " %a  %Ta", 0, 0)
/* pop a value and write str() of it; c=1: HTML-escape unless it is safe (autoescape) */
OP(PRINT, "%?c escape", 1, 0)
/* push constant a */
OP(CONST, " %a  %Ka", 0, 1)
/* push the "argument not given" marker (an unbound builtin parameter) */
OP(ABSENT, "", 0, 1)
OP(POP, "", 1, 0)
OP(DUP, "", 1, 2)
/* push local slot a; if unset, its parent slot (outer scope), then the global named b */
OP(LOAD, " %a  %Nb", 0, 1)
/* pop into local slot a */
OP(STORE, " %a  %Sa", 1, 0)
/* push slot a of the template's top-level frame (a macro reading a template variable) */
OP(LOAD_ROOT, " %a  %Nb", 0, 1)
/* push the context variable named a, or undefined */
OP(LOAD_GLOBAL, " %Na", 0, 1)
/* pop obj, push obj.a (Jinja2 getattr: attribute, then item) */
OP(GETATTR, " %Na", 1, 1)
/* pop key, obj; push obj[key] (item, then attribute) */
OP(GETITEM, "", 2, 1)
/* pop step, stop, start, obj (none where omitted); push the slice */
OP(SLICE, "", 4, 1)
/* pop b, a; push a <op c> b for + - * / // % ** ~ */
OP(BINARY, " %Oc", 2, 1)
/* pop b, a; push the comparison a <op c> b (== != < <= > >= in, not in) */
OP(COMPARE, " %Cc", 2, 1)
/* a chained comparison link: pop b, a; if a <op c> b push b and go on, else push false and jump a */
OP(COMPARE_CHAIN, " %Cc  -> %a", 2, 1)
OP(NEG, "", 1, 1)
OP(POS, "", 1, 1)
OP(NOT, "", 1, 1)
OP(JUMP, " -> %a", 0, 0)
/* pop; jump to a if falsy */
OP(JUMP_IF_FALSE, " -> %a", 1, 0)
/* `or`: if the top is truthy keep it and jump to a, else pop it */
OP(OR_JUMP, " -> %a", 1, -1)
/* `and`: if the top is falsy keep it and jump to a, else pop it */
OP(AND_JUMP, " -> %a", 1, -1)
/* pop a items, push a list / tuple of them */
OP(BUILD_LIST, " %a", -1, 1)
OP(BUILD_TUPLE, " %a", -1, 1)
/* pop 2a items (key, value, ...), push a dict; b=1: the keys are string constants, none
 * repeated (compile.c); c=1 (fuse.c): a CALL_METHOD .update pos 1 follows, and the pairs go
 * straight into a plain mutable receiver under them (pushing the call's none, skipping it) */
OP(BUILD_DICT, " %a%?c  into .update", -1, 1)
/* the jinjava profile's switch evaluateMapKeys (el/ext/AstDict.java): pop the value of a dict
 * literal's bare-name key; push its text, or constant a (the name) when it is null */
OP(MAP_KEY, " %a  %Ka", 1, 1)
/* apply filter a (a row of the env's registry: the stdlib's or the embedder's) to c stacked
 * argument slots (slot 0 = the value); push the result */
OP(FILTER, " %Fa  slots %c", -1, 1)
/* the jinjava profile's unknown filter (c=0) or test (c=1) a (a name): push none, as
 * Jinjava's null, and warn "name:line:col: unknown filter ..." so that the miss is never silent */
OP(NO_FILTER, " %Na%?c (a test)", 0, 1)
/* apply builtin test a to c slots; b=1 negates */
OP(TEST, " %Ea  slots %c", -1, 1)
/* call builtin global function a with c slots */
OP(CALL_FN, " %Ua  slots %c", -1, 1)
/* pop an iterable and append its items to the list below it (a call's *args) */
OP(LIST_EXTEND, "", 1, 0)
/* pop a mapping and set its items in the dict below it (a call's **kwargs) */
OP(DICT_MERGE, "", 1, 0)
/* a call whose arguments are only known at run time (*args, **kwargs): stack [callee or
 * receiver, positional list, keyword dict]; c=1: call method a on the receiver */
OP(CALL_EX, "%?c .%Na", 3, 1)
/* call a callable value: stack [callee, c positional, b keyword values, (kw names tuple if b)] */
OP(CALL, " pos %c kw %b", -1, 1)
/* call method a on a receiver: stack [obj, c positional, b keyword values, (names if b)] */
OP(CALL_METHOD, " .%Na  pos %c kw %b", -1, 1)
/* pop an iterable and start a loop over its items (pushes onto the loop stack); loop.depth is
 * the integer in slot a, or 1 when a < 0 (recursive loops pass their depth) */
OP(FOR_PREP, "", 1, 0)
/* push the next item of the innermost loop, or jump to a when it is exhausted; c=1 (the
 * jinjava profile): a none item is pushed as "unset", so the loop variable stored from it
 * reads as the enclosing scope's */
OP(FOR_ITER, " -> %a%?c  none unsets", 0, 1)
/* the loop body ran to its end once (break and continue skip this): `else` will not run */
OP(LOOP_DONE, "", 0, 0)
/* end the innermost loop; push whether its body ever ran to the end (for `else`) */
OP(FOR_END, "", 0, 1)
/* push loop.<field c> of the loop a levels out (0 = innermost) */
OP(LOOP_ATTR, " %Lc", 0, 1)
/* pop a recursive loop's snapshot and its unit's macro, push the loop as a callable value */
OP(LOOP_VALUE, "", 2, 1)
/* loop.cycle(c args) / loop.changed(c args) of the loop a levels out */
OP(LOOP_CYCLE, " args %c", -1, 1)
OP(LOOP_CHANGED, " args %c", -1, 1)
/* pop a value and append it to the list in slot a (a loop's `if` filter) */
OP(LIST_APPEND, " %a  %Sa", 1, 0)
/* pop a sequence of exactly a items, push them (first item on top) */
OP(UNPACK, " %a", 1, -1)
/* mark slots a .. a+b-1 unset (entering a scope) */
OP(CLEAR, " %R", 0, 0)
/* pop obj, value; obj.a = value (namespace attributes) */
OP(SETATTR, " %Na", 2, 0)
/* start capturing output into a new buffer */
OP(CAPTURE, "", 0, 0)
/* stop capturing; push the captured text (c=1: as a safe string) */
OP(CAPTURE_END, "%?c safe", 0, 1)
/* push a macro value for code unit a; b > 0: pop the b values of its closure first (unit.ncapt);
 * c=1: its closure is this frame's variables, read by reference at each call (the VM's env) */
OP(MACRO, " unit %a%?b  closure of %b%?c  by reference", -1, 1)
/* jump to a if slot b holds a value (skips a macro parameter's default) */
OP(JUMP_IF_SET, " slot %b -> %a", 0, 0)
/* pop an id, ask the data provider for the insert value of kind c, push it */
OP(INSERT, " %Ic", 1, 1)
/* render dependency template a here (c: IMP_* flags): with the current context and the visible
 * variables, or without context. With IMP_DYNAMIC (INCLUDE, IMPORT, EXTENDS) there is no a: the
 * name (a string, or a list of them) is popped and the template found now (loader_runtime). */
OP(INCLUDE, " %Da", 0, 0)
/* run dependency template a as a module and push its exports (macros and top-level variables)
 * as a dict; c: IMP_* flags */
OP(IMPORT, " %Da", 0, 1)
/* this template extends dependency a: later output of the top level is dropped, and when the
 * top level ends the parent renders, its blocks resolved to the most derived definitions */
OP(EXTENDS, " %Da", 0, 0)
/* pop b, a; push a ~ b where autoescape is c, inside an {% autoescape %} block that differs
 * from the environment's setting (Jinja2's markup_join or str_join: a safe operand keeps the
 * result safe where autoescape is on) */
OP(CONCAT_AE, "%?c autoescape", 2, 1)
/* after `extends` (Jinja2's `if parent_template is None`): jump to a when a parent is pending,
 * so text and {{ }} print nothing there, in a filter or set block's capture too */
OP(JUMP_IF_EXTENDED, " -> %a", 0, 0)
/* c=0: when a parent is pending and output goes to what `extends` drops, what follows prints
 * to the output under it (Jinja2 prints includes, call blocks, filter blocks and blocks that
 * are not at the top level of a template that extends); c=1: back to dropping */
OP(UNGUARD, "%?c end", 0, 0)
/* render block a of this template's table, as defined by the most derived template (c=1:
 * scoped, it sees the variables visible here) */
OP(BLOCK, " %Ba%?c scoped", 0, 0)
/* push the output of the next definition of the running block (super()) */
OP(SUPER, " %Ba%?c scoped", 0, 1)
/* push the output of block named a, most derived definition (self.name()) */
OP(SELF_BLOCK, " self.%Na", 0, 1)
/* fail with the message in constant a: an unknown filter or test reached at run time (Jinja2
 * compiles those in an if's branches and raises when they run); pops the value it was for */
OP(FAIL, " %Ka", 1, 1)
/* Fused forms (src/fuse.c rewrites the first instruction of a pair or triple after the compile;
 * the instructions after it stay in place, so a jump to them still works, and the VM runs the
 * plain first instruction whenever the fast case does not hold):
 * LOAD a b + GETATTR: push slot a's attribute ip[1].a, when slot a holds a dict; skips the GETATTR */
OP(LOAD_ATTR, " %a  %Nb", 0, 1)
/* LOAD_GLOBAL a + GETATTR: the same for a context variable */
OP(GLOBAL_ATTR, " %Na", 0, 1)
/* LOAD a b + CONST (a string) + GETITEM: push slot a's item, when slot a holds a dict that has it */
OP(LOAD_ITEMC, " %a  %Nb", 0, 1)
/* COMPARE + JUMP_IF_FALSE (a comparison an if or a loop filter tests): jump to ip[1].a when the
 * comparison is false, without the bool; skips the JUMP_IF_FALSE */
OP(COMPARE_JUMP, " %Cc", 2, 0)
/* TEST + JUMP_IF_FALSE (`{% if x is defined %}`): a test answered from the tag (TEST's fast
 * case) jumps to ip[1].a when false, without the bool; skips the JUMP_IF_FALSE. Any other test
 * is the plain TEST, its result left to the JUMP_IF_FALSE */
OP(TEST_JUMP, " %Ea  slots %c", -1, 1)
/* LOAD a b + SETATTR (`{% set ns.x = … %}`): set attribute ip[1].a of the namespace in slot a
 * to the value popped, without taking and dropping a reference to it; skips the SETATTR */
OP(LOAD_SETATTR, " %a  %Nb", 1, 0)
/* CALL_METHOD .append pos 1 kw 0 + POP (`{% do l.append(x) %}`): push x onto the plain mutable
 * list under it, as call_method's own fast case does, without the call or its None; skips the POP */
OP(APPEND_POP, " .%Na  pos %c kw %b", -2, 0)
/* LOAD a b, the receiver of an APPEND_POP (`{% do rows.append(x) %}`, compile.c): when slot a
 * holds a list, push in its stead a reference to the slot (an ABSENT whose int is a), no count
 * taken: APPEND_POP appends to the slot's list. An expression cannot bind a variable, so the
 * slot still holds that list when the argument has been computed; an ABSENT is dropped as
 * nothing when the argument fails. Else it is LOAD. */
OP(LOAD_RECV, " %a  %Nb", 0, 1)
/* CALL_METHOD .get pos 1 or 2 kw 0 (`d.get(k)`, `d.get(k, default)`): a dict's value for a
 * string key, else the default (none), as the stdlib's dict.get, without the call; anything
 * else (not a dict, a key not a string, a namespace, a host's own get) the plain CALL_METHOD */
OP(DICT_GET, " .%Na  pos %c kw %b", -1, 1)
/* FOR_ITER + CLEAR + STORE (a loop over one name whose body sets variables): the next item
 * straight into its slot, after the body's slots are cleared; skips the CLEAR and the STORE */
OP(FOR_ITER_STORE, " -> %a", 0, 1)
/* end of the code unit */
OP(RETURN, "", 0, 0)
