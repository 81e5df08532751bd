/*
 * fuse.c — the compiler's last step: fused instructions for the commonest sequences.
 *
 * Reading a variable's attribute or a constant key (`c.name`, `c["expression"]`) is two or three
 * instructions, each a dispatch, a reference taken and dropped. After the compile (the late
 * fix-ups have turned unresolved LOADs into LOAD_GLOBALs), each such sequence's first
 * instruction becomes its fused form (opcodes.h: LOAD_ATTR, GLOBAL_ATTR, LOAD_ITEMC, COMPARE_JUMP).
 * Nothing
 * else moves: the instructions after it stay, so a jump to one of them still runs it, and the
 * VM falls back to the plain first instruction whenever the fused fast case does not hold.
 */
#include "compile.h"

void comp_fuse(template *T)
{
    for (int ui = 0; ui < T->nunits; ui++) {
        unit *u = &T->units[ui];
        for (int i = 0; i + 1 < u->ncode; i++) {
            instr *in = &u->code[i];
            if (in->op == OP_COMPARE && in[1].op == OP_JUMP_IF_FALSE) {
                in->op = OP_COMPARE_JUMP;
            } else if (in[1].op == OP_GETATTR) {
                if (in->op == OP_LOAD) in->op = OP_LOAD_ATTR;
                else if (in->op == OP_LOAD_GLOBAL) in->op = OP_GLOBAL_ATTR;
            } else if (in->op == OP_LOAD && i + 2 < u->ncode && in[1].op == OP_CONST && in[2].op == OP_GETITEM &&
                       T->consts[in[1].a].t == JV_STR) {
                in->op = OP_LOAD_ITEMC;
            }
        }
    }
}
