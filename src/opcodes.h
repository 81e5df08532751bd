/*
 * opcodes.h — THE list of VM instructions. Everything else (the enum, the disassembler's
 * names, the computed-goto table) is derived from this one X-macro list; never keep a
 * parallel table by hand.
 *
 * An instruction is 8 bytes: op (u8), c (u8), b (u16), a (i32). Columns:
 *   OP(name, operands, pops, pushes)   — pops/pushes of -1 mean "depends on an operand".
 * The comment above each says what it does.
 */

/* write template text a (a slice of the source) to the output */
OP(TEXT, "a=text", 0, 0)
/* pop a value and write str() of it; c=1: HTML-escape unless it is safe (autoescape) */
OP(PRINT, "c=escape", 1, 0)
/* push constant a */
OP(CONST, "a=const", 0, 1)
/* push the "argument not given" marker (an unbound builtin parameter) */
OP(ABSENT, "", 0, 1)
OP(POP, "", 1, 0)
OP(DUP, "", 1, 2)
/* push local slot a; if unset, its parent slot (outer scope), then the global named b */
OP(LOAD, "a=slot b=name", 0, 1)
/* pop into local slot a */
OP(STORE, "a=slot", 1, 0)
/* push slot a of the template's top-level frame (a macro reading a template variable) */
OP(LOAD_ROOT, "a=slot b=name", 0, 1)
/* push the context variable named a, or undefined */
OP(LOAD_GLOBAL, "a=name", 0, 1)
/* pop obj, push obj.a (Jinja2 getattr: attribute, then item) */
OP(GETATTR, "a=name", 1, 1)
/* pop key, obj; push obj[key] (item, then attribute) */
OP(GETITEM, "", 2, 1)
/* pop step, stop, start, obj (none where omitted); push the slice */
OP(SLICE, "", 4, 1)
/* pop b, a; push a <op c> b for + - * / // % ** ~ */
OP(BINARY, "c=op", 2, 1)
/* pop b, a; push the comparison a <op c> b (== != < <= > >= in, not in) */
OP(COMPARE, "c=op", 2, 1)
/* a chained comparison link: pop b, a; if a <op c> b push b and go on, else push false and jump a */
OP(COMPARE_CHAIN, "c=op a=target", 2, 1)
OP(NEG, "", 1, 1)
OP(POS, "", 1, 1)
OP(NOT, "", 1, 1)
OP(JUMP, "a=target", 0, 0)
/* pop; jump to a if falsy */
OP(JUMP_IF_FALSE, "a=target", 1, 0)
/* `or`: if the top is truthy keep it and jump to a, else pop it */
OP(OR_JUMP, "a=target", 1, -1)
/* `and`: if the top is falsy keep it and jump to a, else pop it */
OP(AND_JUMP, "a=target", 1, -1)
/* pop a items, push a list / tuple of them */
OP(BUILD_LIST, "a=count", -1, 1)
OP(BUILD_TUPLE, "a=count", -1, 1)
/* pop 2a items (key, value, ...), push a dict */
OP(BUILD_DICT, "a=count", -1, 1)
/* apply builtin filter a to c stacked argument slots (slot 0 = the value); push the result */
OP(FILTER, "a=filter c=nslots", -1, 1)
/* the jinjava profile's unknown filter (c=0) or test (c=1) a (a name): push none, as
 * Jinjava's null, and warn "name:line:col: unknown filter ..." so that the miss is never silent */
OP(NO_FILTER, "a=name c=test", 0, 1)
/* apply builtin test a to c slots; b=1 negates */
OP(TEST, "a=test c=nslots b=negate", -1, 1)
/* call builtin global function a with c slots */
OP(CALL_FN, "a=function c=nslots", -1, 1)
/* call the embedder's filter/test/function a (kind in the top byte, index below): stack
 * [c positional (a filter's value first), b&0x7fff keyword values, (names tuple)]; b&0x8000:
 * negate (a test) */
OP(NATIVE, "a=kind<<24|index c=npos b=nkw|negate", -1, 1)
/* call a callable value: stack [callee, c positional, b keyword values, (kw names tuple if b)] */
OP(CALL, "c=npos b=nkw", -1, 1)
/* call method a on a receiver: stack [obj, c positional, b keyword values, (names if b)] */
OP(CALL_METHOD, "a=name c=npos b=nkw", -1, 1)
/* pop an iterable and start a loop over its items (pushes onto the loop stack); loop.depth is
 * the integer in slot a, or 1 when a < 0 (recursive loops pass their depth) */
OP(FOR_PREP, "a=depth slot", 1, 0)
/* push the next item of the innermost loop, or jump to a when it is exhausted */
OP(FOR_ITER, "a=target", 0, 1)
/* the loop body ran to its end once (break and continue skip this): `else` will not run */
OP(LOOP_DONE, "", 0, 0)
/* end the innermost loop; push whether its body ever ran to the end (for `else`) */
OP(FOR_END, "", 0, 1)
/* push loop.<field c> of the loop a levels out (0 = innermost) */
OP(LOOP_ATTR, "c=field a=depth", 0, 1)
/* loop.cycle(c args) / loop.changed(c args) of the loop a levels out */
OP(LOOP_CYCLE, "c=nargs a=depth", -1, 1)
OP(LOOP_CHANGED, "c=nargs a=depth", -1, 1)
/* pop a value and append it to the list in slot a (a loop's `if` filter) */
OP(LIST_APPEND, "a=slot", 1, 0)
/* pop a sequence of exactly a items, push them (first item on top) */
OP(UNPACK, "a=count", 1, -1)
/* mark slots a .. a+b-1 unset (entering a scope) */
OP(CLEAR, "a=slot b=count", 0, 0)
/* pop obj, value; obj.a = value (namespace attributes) */
OP(SETATTR, "a=name", 2, 0)
/* start capturing output into a new buffer */
OP(CAPTURE, "", 0, 0)
/* stop capturing; push the captured text (c=1: as a safe string) */
OP(CAPTURE_END, "c=safe", 0, 1)
/* push a macro value for code unit a */
OP(MACRO, "a=unit", 0, 1)
/* jump to a if slot b holds a value (skips a macro parameter's default) */
OP(JUMP_IF_SET, "a=target b=slot", 0, 0)
/* pop an id, ask the data provider for the insert value of kind c, push it */
OP(INSERT, "c=kind", 1, 1)
/* render dependency template a here (c: IMP_* flags): with the current context and the visible
 * variables, or without context */
OP(INCLUDE, "a=dep c=flags", 0, 0)
/* run dependency template a as a module and push its exports (macros and top-level variables)
 * as a dict; c: IMP_* flags */
OP(IMPORT, "a=dep c=flags", 0, 1)
/* this template extends dependency a: later output of the top level is dropped, and when the
 * top level ends the parent renders, its blocks resolved to the most derived definitions */
OP(EXTENDS, "a=dep", 0, 0)
/* render block a of this template's table, as defined by the most derived template (c=1:
 * scoped, it sees the variables visible here) */
OP(BLOCK, "a=block c=scoped", 0, 0)
/* push the output of the next definition of the running block (super()) */
OP(SUPER, "a=block", 0, 1)
/* push the output of block named a, most derived definition (self.name()) */
OP(SELF_BLOCK, "a=name", 0, 1)
/* end of the code unit */
OP(RETURN, "", 0, 0)
