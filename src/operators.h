/*
 * operators.h — THE lists of binary and comparison operators. The parser builds AST nodes
 * with these codes, the compiler puts them in OP_BINARY / OP_COMPARE, the VM and ops.c
 * dispatch on them, the disassembler and error messages print their symbols: all from here.
 */
#ifndef JINN_OPERATORS_H
#define JINN_OPERATORS_H

/* X(NAME, symbol) — arithmetic and concatenation */
#define JINN_BINARY_OPS(X) \
    X(ADD, "+")            \
    X(SUB, "-")            \
    X(MUL, "*")            \
    X(DIV, "/")            \
    X(FLOORDIV, "//")      \
    X(MOD, "%")            \
    X(POW, "**")           \
    X(CONCAT, "~")
enum {
#define X(name, sym) OPB_##name,
    JINN_BINARY_OPS(X)
#undef X
    OPB__COUNT
};

/* X(NAME, symbol) — comparisons and membership */
#define JINN_COMPARE_OPS(X) \
    X(EQ, "==")             \
    X(NE, "!=")             \
    X(LT, "<")              \
    X(LE, "<=")             \
    X(GT, ">")              \
    X(GE, ">=")             \
    X(IN, "in")             \
    X(NOTIN, "not in")
enum {
#define X(name, sym) OPC_##name,
    JINN_COMPARE_OPS(X)
#undef X
    OPC__COUNT
};

static inline const char *opb_symbol(int op)
{
    static const char *const s[OPB__COUNT] = {
#define X(name, sym) sym,
        JINN_BINARY_OPS(X)
#undef X
    };
    return op >= 0 && op < OPB__COUNT ? s[op] : "?";
}

static inline const char *opc_symbol(int op)
{
    static const char *const s[OPC__COUNT] = {
#define X(name, sym) sym,
        JINN_COMPARE_OPS(X)
#undef X
    };
    return op >= 0 && op < OPC__COUNT ? s[op] : "?";
}

#endif
