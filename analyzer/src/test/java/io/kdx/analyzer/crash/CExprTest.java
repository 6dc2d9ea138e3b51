package io.kdx.analyzer.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kdx.analyzer.crash.CExpr.Binary;
import io.kdx.analyzer.crash.CExpr.Cast;
import io.kdx.analyzer.crash.CExpr.Cond;
import io.kdx.analyzer.crash.CExpr.ExprError;
import io.kdx.analyzer.crash.CExpr.Field;
import io.kdx.analyzer.crash.CExpr.Index;
import io.kdx.analyzer.crash.CExpr.Node;
import io.kdx.analyzer.crash.CExpr.Num;
import io.kdx.analyzer.crash.CExpr.SizeofExpr;
import io.kdx.analyzer.crash.CExpr.SizeofType;
import io.kdx.analyzer.crash.CExpr.TypeName;
import io.kdx.analyzer.crash.CExpr.Unary;
import io.kdx.analyzer.crash.CExpr.Var;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser of p's C expressions: C's precedence and associativity, casts against typedef names, literals' types, gdb's errors. */
class CExprTest {
    static Node parse(String s) {
        return CExpr.parse(s, n -> n.equals("pid_t") || n.equals("u64"));
    }

    static Num i(long v) {
        return new Num(v, TypeName.builtin("int"));
    }

    @Test
    void precedenceAndAssociativity() {
        assertEquals(new Binary("+", i(1), new Binary("*", i(2), i(3))), parse("1 + 2 * 3"));
        assertEquals(new Binary("*", new Binary("+", i(1), i(2)), i(3)), parse("(1 + 2) * 3"));
        assertEquals(new Binary("-", new Binary("-", i(10), i(2)), i(3)), parse("10-2-3"));
        assertEquals(new Binary("<<", i(1), new Binary("+", i(2), i(3))), parse("1 << 2 + 3"));
        assertEquals(new Binary("&", i(6), new Binary("==", i(3), i(2))), parse("6 & 3 == 2"));
        assertEquals(new Binary("||", new Binary("&&", i(1), i(0)), i(1)), parse("1 && 0 || 1"));
        assertEquals(new Binary("|", new Binary("^", i(1), new Binary("&", i(2), i(3))), i(4)), parse("1 ^ 2 & 3 | 4"));
        assertEquals(new Cond(i(1), i(2), new Cond(i(0), i(3), i(4))), parse("1 ? 2 : 0 ? 3 : 4"));
        assertEquals(new Binary("<", new Binary("+", i(1), i(1)), i(3)), parse("1+1<3"));
    }

    @Test
    void postfixBindsTighterThanUnary() {
        Var t = new Var("init_task");
        assertEquals(new Unary("*", new Field(t, "mm", false)), parse("*init_task.mm"));
        assertEquals(new Unary("&", new Index(new Field(t, "comm", false), i(0))), parse("&init_task.comm[0]"));
        assertEquals(new Field(new Field(new Field(t, "fs", false), "root", true), "mnt", false), parse("init_task.fs->root.mnt"));
        assertEquals(new Unary("-", new Unary("~", i(0))), parse("-~0"));
        assertEquals(new Unary("!", new Field(t, "mm", false)), parse("!init_task.mm"));
    }

    @Test
    void castsNeedATypeName() {
        TypeName task = new TypeName("struct", List.of("task_struct"), 1);
        assertEquals(new Field(new Cast(task, i(0)), "pid", true), parse("((struct task_struct *)0)->pid"));
        assertEquals(new Unary("*", new Cast(new TypeName("struct", List.of("super_block"), 1), new Num(0xffff888000000000L,
                TypeName.builtin("unsigned", "long")))), parse("*(struct super_block *)0xffff888000000000"));
        assertEquals(new Cast(new TypeName(null, List.of("unsigned", "long"), 0), new Unary("-", i(1))), parse("(unsigned long)-1"));
        assertEquals(new Cast(new TypeName(null, List.of("pid_t"), 0), i(3)), parse("(pid_t)3"));
        assertEquals(new Cast(new TypeName(null, List.of("u64"), 2), new Var("x")), parse("(const u64 **)x"));
        // a parenthesised variable is no cast: (jiffies) - 1 subtracts
        assertEquals(new Binary("-", new Var("jiffies"), i(1)), parse("(jiffies) - 1"));
        assertEquals(new Binary("*", new Cast(TypeName.builtin("char"), new Var("c")), i(2)), parse("(char)c * 2"));
    }

    @Test
    void sizeofTakesATypeOrAnExpression() {
        assertEquals(new SizeofType(new TypeName("struct", List.of("task_struct"), 0)), parse("sizeof(struct task_struct)"));
        assertEquals(new SizeofType(new TypeName(null, List.of("long"), 1)), parse("sizeof(long *)"));
        assertEquals(new SizeofExpr(new Var("init_task")), parse("sizeof init_task"));
        assertEquals(new SizeofExpr(new Field(new Var("init_task"), "comm", false)), parse("sizeof(init_task.comm)"));
        assertEquals(new Binary("*", new SizeofType(new TypeName("struct", List.of("list_head"), 0)), i(2)), parse("sizeof(struct list_head) * 2"));
    }

    @Test
    void literalsAreTypedAsC() {
        assertEquals(i(2147483647), parse("2147483647"));
        assertEquals(new Num(2147483648L, TypeName.builtin("long")), parse("2147483648"));
        assertEquals(new Num(0xffffffffL, TypeName.builtin("unsigned", "int")), parse("0xffffffff"));
        assertEquals(new Num(0x100000000L, TypeName.builtin("long")), parse("0x100000000"));
        assertEquals(new Num(-1L, TypeName.builtin("unsigned", "long")), parse("0xffffffffffffffff"));
        assertEquals(new Num(1, TypeName.builtin("unsigned", "long")), parse("1UL"));
        assertEquals(new Num(1, TypeName.builtin("long")), parse("1L"));
        assertEquals(new Num(1, TypeName.builtin("unsigned", "int")), parse("1u"));
        assertEquals(i(8), parse("010"));
        assertEquals(new Num('a', TypeName.builtin("char")), parse("'a'"));
        assertEquals(new Num('\n', TypeName.builtin("char")), parse("'\\n'"));
        assertEquals(new Num(0, TypeName.builtin("char")), parse("'\\0'"));
        assertEquals(new Num(0x41, TypeName.builtin("char")), parse("'\\x41'"));
    }

    @Test
    void errorsAreGdbsWords() {
        assertEquals("A syntax error in expression, near `'.", assertThrows(ExprError.class, () -> parse("1 +")).getMessage());
        assertEquals("A syntax error in expression, near `'.", assertThrows(ExprError.class, () -> parse("(")).getMessage());
        assertEquals("A syntax error in expression, near `))'.", assertThrows(ExprError.class, () -> parse("())")).getMessage());
        assertEquals("A syntax error in expression, near `2'.", assertThrows(ExprError.class, () -> parse("1 2")).getMessage());
        assertEquals("A syntax error in expression, near `'.", assertThrows(ExprError.class, () -> parse("init_task.")).getMessage());
        assertEquals("A syntax error in expression, near `'.", assertThrows(ExprError.class, () -> parse("")).getMessage());
        assertEquals("Invalid character '\"' in expression.", assertThrows(ExprError.class, () -> parse("\"abc\"")).getMessage());
        assertEquals("Invalid number \"0x\".", assertThrows(ExprError.class, () -> parse("0x")).getMessage());
        assertEquals("Invalid number \"12ab\".", assertThrows(ExprError.class, () -> parse("12ab")).getMessage());
        assertThrows(ExprError.class, () -> parse("3.5"));
        assertThrows(ExprError.class, () -> parse("'a"));
        assertThrows(ExprError.class, () -> parse("(struct)0"));
        assertThrows(ExprError.class, () -> parse("1 ? 2"));
        assertThrows(ExprError.class, () -> parse("a[1"));
        // no input exhausts the stack: deep nesting is one error line
        assertEquals("Expression nested too deeply.", assertThrows(ExprError.class,
                () -> parse("(".repeat(5000) + "1" + ")".repeat(5000))).getMessage());
        assertEquals("Expression nested too deeply.", assertThrows(ExprError.class, () -> parse("-".repeat(5000) + "1")).getMessage());
        assertEquals(i(1), parse("(".repeat(100) + "1" + ")".repeat(100)));
    }
}
