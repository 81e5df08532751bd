/* parse_support.h — what the generated parser (build/parser.c) needs from src/. */
#ifndef JINN_PARSE_SUPPORT_H
#define JINN_PARSE_SUPPORT_H
#include "ast.h"
#include "lex.h"
#endif
