package io.tuneledger.ml;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A model's chat template (the Jinja text in its tokenizer_config.json) rendered the way Hugging Face's
 * {@code apply_chat_template} renders it: Jinja with {@code trim_blocks} and {@code lstrip_blocks}, the variables
 * {@code messages}, {@code add_generation_prompt} and the tokenizer's special tokens, and {@code raise_exception}.
 * Only the part of Jinja that chat templates use is understood: text, {@code {{ }}} output, {@code if/elif/else},
 * {@code for} (with {@code loop.index0}, {@code loop.first}, {@code loop.last} ...), {@code set} (also of a
 * {@code namespace()} attribute), comments, whitespace control; expressions with literals, lists, dicts, attribute and
 * index access, slices, calls of string methods, filters ({@code trim}, {@code tojson}, {@code length}, {@code upper},
 * {@code lower}, {@code first}, {@code last}, {@code join}, {@code default}, {@code string}), tests ({@code is
 * defined}, {@code none}, {@code string}, {@code mapping}, {@code sequence}, {@code number}), arithmetic, {@code ~},
 * comparisons, {@code in}, {@code and/or/not} and the conditional expression. Anything else is an error naming it,
 * so an unsupported template is refused when it is read, not rendered wrong.
 */
public final class ChatTemplate {

    private final List<Node> body;

    private ChatTemplate(List<Node> body) {
        this.body = body;
    }

    /** Parses a template; an {@link IllegalArgumentException} names what is not understood and where. */
    public static ChatTemplate parse(String source) {
        Parser parser = new Parser(lex(source));
        List<Node> body = parser.block(java.util.Set.of());
        if (parser.pos < parser.tokens.size()) {
            throw new IllegalArgumentException("chat template: unexpected {% " + parser.tokens.get(parser.pos).text
                    + " %}");
        }
        return new ChatTemplate(body);
    }

    /**
     * Renders {@code messages} (each a map with at least {@code role} and {@code content}); {@code extra} holds the
     * other variables ({@code bos_token}, {@code eos_token} ...).
     */
    public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Map<String, Object> vars = new LinkedHashMap<>(extra);
        vars.put("messages", messages);
        vars.put("add_generation_prompt", addGenerationPrompt);
        StringBuilder out = new StringBuilder();
        Scope scope = new Scope(null, vars);
        for (Node n : body) {
            n.render(scope, out);
        }
        return out.toString();
    }

    // ---- lexing: text, {{ expr }}, {% stmt %}, comments; whitespace control, trim_blocks and lstrip_blocks ----

    private record Piece(char kind, String text) {
    }

    static List<Piece> lex(String s) {
        List<Piece> out = new ArrayList<>();
        int i = 0;
        boolean trimNextNewline = false;
        boolean stripNextWhitespace = false;
        while (i <= s.length()) {
            int open = i;
            while (open + 1 < s.length() && !(s.charAt(open) == '{' && "{%#".indexOf(s.charAt(open + 1)) >= 0)) {
                open++;
            }
            if (open + 1 >= s.length()) {
                open = -1;
            }
            String raw = s.substring(i, open < 0 ? s.length() : open);
            String text = raw;
            if (stripNextWhitespace) {
                text = text.stripLeading();
            } else if (trimNextNewline && text.startsWith("\n")) {
                text = text.substring(1);
            }
            if (open < 0) {
                out.add(new Piece('t', text));
                break;
            }
            char kind = s.charAt(open + 1);
            int end = close(s, open + 2, kind);
            String inner = s.substring(open + 2, end);
            boolean stripBefore = inner.startsWith("-");
            boolean stripAfter = inner.endsWith("-");
            if (stripBefore) {
                text = text.stripTrailing();
            } else if (kind != '{') {
                // lstrip_blocks: spaces and tabs from the start of a line up to a block tag go.
                int newline = raw.lastIndexOf('\n');
                boolean lineStart = newline >= 0 ? raw.substring(newline + 1).isBlank() : i == 0 && raw.isBlank();
                if (lineStart) {
                    int keep = text.lastIndexOf('\n') + 1;
                    text = text.substring(0, keep);
                }
            }
            out.add(new Piece('t', text));
            inner = inner.substring(stripBefore ? 1 : 0, inner.length() - (stripAfter ? 1 : 0)).strip();
            if (kind != '#') {
                out.add(new Piece(kind == '{' ? 'o' : 's', inner));
            }
            stripNextWhitespace = stripAfter;
            // trim_blocks: the first newline after a block tag goes.
            trimNextNewline = kind != '{';
            i = end + 2;
        }
        return out;
    }

    /** Where the tag opened before {@code from} closes ({@code }}}, {@code %}} or {@code #}}), past quoted strings. */
    private static int close(String s, int from, char kind) {
        String close = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
        char quote = 0;
        for (int j = from; j + 1 < s.length(); j++) {
            char c = s.charAt(j);
            if (kind != '#' && quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (quote != 0 && c == '\\') {
                j++;
            } else if (quote != 0 && c == quote) {
                quote = 0;
            } else if (quote == 0 && s.startsWith(close, j)) {
                return j;
            }
        }
        throw new IllegalArgumentException("chat template: {" + kind + " is never closed");
    }

    // ---- statements ----

    private interface Node {
        void render(Scope scope, StringBuilder out);
    }

    private static final class Scope {
        final Scope parent;
        final Map<String, Object> vars;

        Scope(Scope parent, Map<String, Object> vars) {
            this.parent = parent;
            this.vars = vars;
        }

        Object get(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    return s.vars.get(name);
                }
            }
            return UNDEFINED;
        }
    }

    /** The value of a name nobody defined: renders as nothing, is false, and only {@code is defined} sees it. */
    static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "";
        }
    };

    private static final class Parser {
        final List<Piece> tokens;
        int pos;

        Parser(List<Piece> tokens) {
            this.tokens = tokens;
        }

        /** Nodes up to (not including) a statement whose first word is in {@code ends}. */
        List<Node> block(java.util.Set<String> ends) {
            List<Node> nodes = new ArrayList<>();
            while (pos < tokens.size()) {
                Piece p = tokens.get(pos);
                if (p.kind == 't') {
                    String text = p.text;
                    nodes.add((scope, out) -> out.append(text));
                    pos++;
                } else if (p.kind == 'o') {
                    Expr e = new ExprParser(p.text).whole();
                    nodes.add((scope, out) -> out.append(str(e.eval(scope))));
                    pos++;
                } else {
                    String word = p.text.split("\\s+", 2)[0];
                    if (ends.contains(word)) {
                        return nodes;
                    }
                    pos++;
                    nodes.add(statement(word, p.text.substring(word.length()).strip()));
                }
            }
            if (!ends.isEmpty()) {
                throw new IllegalArgumentException("chat template: missing {% " + ends.iterator().next() + " %}");
            }
            return nodes;
        }

        Node statement(String word, String rest) {
            switch (word) {
                case "if": {
                    List<Expr> conditions = new ArrayList<>();
                    List<List<Node>> bodies = new ArrayList<>();
                    conditions.add(new ExprParser(rest).whole());
                    bodies.add(block(java.util.Set.of("elif", "else", "endif")));
                    List<Node> otherwise = List.of();
                    while (true) {
                        Piece end = tokens.get(pos++);
                        String w = end.text.split("\\s+", 2)[0];
                        if (w.equals("elif")) {
                            conditions.add(new ExprParser(end.text.substring(4).strip()).whole());
                            bodies.add(block(java.util.Set.of("elif", "else", "endif")));
                        } else if (w.equals("else")) {
                            otherwise = block(java.util.Set.of("endif"));
                        } else {
                            break;
                        }
                    }
                    List<Node> elseBody = otherwise;
                    return (scope, out) -> {
                        for (int i = 0; i < conditions.size(); i++) {
                            if (truthy(conditions.get(i).eval(scope))) {
                                renderAll(bodies.get(i), scope, out);
                                return;
                            }
                        }
                        renderAll(elseBody, scope, out);
                    };
                }
                case "for": {
                    int in = rest.indexOf(" in ");
                    if (in < 0) {
                        throw new IllegalArgumentException("chat template: {% for " + rest + " %} has no 'in'");
                    }
                    List<String> names = List.of(rest.substring(0, in).replace(" ", "").split(","));
                    Expr iterable = new ExprParser(rest.substring(in + 4)).whole();
                    List<Node> loopBody = block(java.util.Set.of("endfor"));
                    pos++;
                    return (scope, out) -> {
                        List<Object> items = items(iterable.eval(scope));
                        for (int i = 0; i < items.size(); i++) {
                            Map<String, Object> vars = new LinkedHashMap<>();
                            Object item = items.get(i);
                            if (names.size() == 1) {
                                vars.put(names.get(0), item);
                            } else {
                                List<Object> parts = items(item);
                                for (int k = 0; k < names.size(); k++) {
                                    vars.put(names.get(k), k < parts.size() ? parts.get(k) : UNDEFINED);
                                }
                            }
                            Map<String, Object> loop = new LinkedHashMap<>();
                            loop.put("index0", (long) i);
                            loop.put("index", (long) i + 1);
                            loop.put("first", i == 0);
                            loop.put("last", i == items.size() - 1);
                            loop.put("length", (long) items.size());
                            loop.put("revindex", (long) (items.size() - i));
                            loop.put("revindex0", (long) (items.size() - i - 1));
                            loop.put("previtem", i > 0 ? items.get(i - 1) : UNDEFINED);
                            loop.put("nextitem", i + 1 < items.size() ? items.get(i + 1) : UNDEFINED);
                            vars.put("loop", loop);
                            renderAll(loopBody, new Scope(scope, vars), out);
                        }
                    };
                }
                case "set": {
                    int eq = rest.indexOf('=');
                    if (eq < 0) {
                        throw new IllegalArgumentException("chat template: block {% set %} is not supported");
                    }
                    String target = rest.substring(0, eq).strip();
                    Expr value = new ExprParser(rest.substring(eq + 1)).whole();
                    int dot = target.indexOf('.');
                    return (scope, out) -> {
                        Object v = value.eval(scope);
                        if (dot < 0) {
                            scope.vars.put(target, v);
                        } else if (scope.get(target.substring(0, dot)) instanceof Namespace ns) {
                            ns.put(target.substring(dot + 1), v);
                        } else {
                            throw new IllegalArgumentException("chat template: " + target.substring(0, dot)
                                    + " is not a namespace()");
                        }
                    };
                }
                default:
                    throw new IllegalArgumentException("chat template: {% " + word + " %} is not supported");
            }
        }
    }

    private static void renderAll(List<Node> nodes, Scope scope, StringBuilder out) {
        for (Node n : nodes) {
            n.render(scope, out);
        }
    }

    /** A {@code namespace()}: attributes a loop body can set and the code after the loop can read. */
    private static final class Namespace extends LinkedHashMap<String, Object> {
    }

    // ---- expressions ----

    private interface Expr {
        Object eval(Scope scope);
    }

    /** An operator applied to two operands. */
    private interface Combine {
        Expr of(String operator, Expr left, Expr right);
    }

    private static final class ExprParser {
        final String src;
        final List<String> toks = new ArrayList<>();
        int p;

        ExprParser(String src) {
            this.src = src;
            int i = 0;
            while (i < src.length()) {
                char c = src.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '\'' || c == '"') {
                    StringBuilder b = new StringBuilder("'");
                    int j = i + 1;
                    while (j < src.length() && src.charAt(j) != c) {
                        char d = src.charAt(j);
                        if (d == '\\' && j + 1 < src.length()) {
                            char e = src.charAt(++j);
                            b.append(switch (e) {
                                case 'n' -> '\n';
                                case 't' -> '\t';
                                case 'r' -> '\r';
                                default -> e;
                            });
                        } else {
                            b.append(d);
                        }
                        j++;
                    }
                    if (j >= src.length()) {
                        throw new IllegalArgumentException("chat template: unterminated string in " + src);
                    }
                    toks.add(b.toString());
                    i = j + 1;
                } else if (Character.isDigit(c)) {
                    int j = i;
                    while (j < src.length() && (Character.isDigit(src.charAt(j)) || src.charAt(j) == '.')) {
                        j++;
                    }
                    toks.add(src.substring(i, j));
                    i = j;
                } else if (Character.isLetter(c) || c == '_') {
                    int j = i;
                    while (j < src.length() && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '_')) {
                        j++;
                    }
                    toks.add(src.substring(i, j));
                    i = j;
                } else {
                    String two = i + 1 < src.length() ? src.substring(i, i + 2) : "";
                    if (List.of("==", "!=", "<=", ">=", "//", "**").contains(two)) {
                        toks.add(two);
                        i += 2;
                    } else if ("+-*/%~()[]{}.,:|<>=".indexOf(c) >= 0) {
                        toks.add(String.valueOf(c));
                        i++;
                    } else {
                        throw new IllegalArgumentException("chat template: unexpected '" + c + "' in " + src);
                    }
                }
            }
        }

        Expr whole() {
            Expr e = ternary();
            if (p < toks.size()) {
                throw new IllegalArgumentException("chat template: unexpected '" + toks.get(p) + "' in " + src);
            }
            return e;
        }

        String peek() {
            return p < toks.size() ? toks.get(p) : "";
        }

        boolean accept(String t) {
            if (peek().equals(t)) {
                p++;
                return true;
            }
            return false;
        }

        void expect(String t) {
            if (!accept(t)) {
                throw new IllegalArgumentException("chat template: expected '" + t + "' in " + src);
            }
        }

        Expr ternary() {
            Expr value = or();
            if (accept("if")) {
                Expr condition = or();
                Expr otherwise = accept("else") ? ternary() : s -> UNDEFINED;
                return s -> truthy(condition.eval(s)) ? value.eval(s) : otherwise.eval(s);
            }
            return value;
        }

        /** Operands joined left to right by any of {@code operators}. */
        Expr binary(List<String> operators, Supplier<Expr> operand, Combine combine) {
            Expr left = operand.get();
            while (operators.contains(peek())) {
                String op = toks.get(p++);
                left = combine.of(op, left, operand.get());
            }
            return left;
        }

        Expr or() {
            return binary(List.of("or"), this::and, (op, l, r) -> s -> {
                Object v = l.eval(s);
                return truthy(v) ? v : r.eval(s);
            });
        }

        Expr and() {
            return binary(List.of("and"), this::not, (op, l, r) -> s -> {
                Object v = l.eval(s);
                return truthy(v) ? r.eval(s) : v;
            });
        }

        Expr not() {
            if (accept("not")) {
                Expr e = not();
                return s -> !truthy(e.eval(s));
            }
            return comparison();
        }

        Expr comparison() {
            Expr left = concat();
            while (true) {
                String op = peek();
                if (List.of("==", "!=", "<", ">", "<=", ">=").contains(op)) {
                    p++;
                    Expr l = left;
                    Expr r = concat();
                    left = s -> compare(op, l.eval(s), r.eval(s));
                } else if (op.equals("in")
                        || (op.equals("not") && p + 1 < toks.size() && toks.get(p + 1).equals("in"))) {
                    boolean negate = op.equals("not");
                    p += negate ? 2 : 1;
                    Expr l = left;
                    Expr r = concat();
                    left = s -> negate != contains(r.eval(s), l.eval(s));
                } else if (op.equals("is")) {
                    p++;
                    boolean negate = accept("not");
                    String test = toks.get(p++);
                    Expr l = left;
                    left = s -> negate != test(test, l.eval(s));
                } else {
                    return left;
                }
            }
        }

        Expr concat() {
            return binary(List.of("~"), this::additive, (op, l, r) -> s -> str(l.eval(s)) + str(r.eval(s)));
        }

        Expr additive() {
            return binary(List.of("+", "-"), this::multiplicative,
                    (op, l, r) -> s -> arithmetic(op, l.eval(s), r.eval(s)));
        }

        Expr multiplicative() {
            return binary(List.of("*", "/", "//", "%"), this::unary,
                    (op, l, r) -> s -> arithmetic(op, l.eval(s), r.eval(s)));
        }

        Expr unary() {
            if (accept("-")) {
                Expr e = unary();
                return s -> arithmetic("-", 0L, e.eval(s));
            }
            return postfix(primary());
        }

        Expr postfix(Expr base) {
            Expr e = base;
            while (true) {
                if (accept(".")) {
                    String name = toks.get(p++);
                    Expr target = e;
                    if (accept("(")) {
                        List<Expr> args = arguments(")");
                        e = s -> method(target.eval(s), name, evalAll(args, s));
                    } else {
                        e = s -> attribute(target.eval(s), name);
                    }
                } else if (accept("[")) {
                    Expr target = e;
                    Expr from = peek().equals(":") ? null : ternary();
                    if (accept(":")) {
                        Expr to = peek().equals("]") ? null : ternary();
                        expect("]");
                        e = s -> slice(target.eval(s), from == null ? null : from.eval(s), to == null ? null
                                : to.eval(s));
                    } else {
                        expect("]");
                        e = s -> attribute(target.eval(s), from.eval(s));
                    }
                } else if (accept("|")) {
                    String name = toks.get(p++);
                    List<Expr> args = accept("(") ? arguments(")") : List.of();
                    Expr target = e;
                    e = s -> filter(name, target.eval(s), evalAll(args, s));
                } else {
                    return e;
                }
            }
        }

        List<Expr> arguments(String close) {
            List<Expr> args = new ArrayList<>();
            while (!accept(close)) {
                if (p + 1 < toks.size() && toks.get(p + 1).equals("=") && Character.isLetter(peek().charAt(0))) {
                    String key = toks.get(p);
                    p += 2;
                    Expr value = ternary();
                    args.add(s -> new KeywordArgument(key, value.eval(s)));
                } else {
                    args.add(ternary());
                }
                if (!peek().equals(close)) {
                    expect(",");
                }
            }
            return args;
        }

        Expr primary() {
            String t = toks.get(p++);
            if (t.startsWith("'")) {
                String value = t.substring(1);
                return s -> value;
            }
            if (Character.isDigit(t.charAt(0))) {
                Object n = t.contains(".") ? (Object) Double.parseDouble(t) : (Object) Long.parseLong(t);
                return s -> n;
            }
            switch (t) {
                case "(": {
                    Expr e = ternary();
                    expect(")");
                    return e;
                }
                case "[": {
                    List<Expr> items = arguments("]");
                    return s -> evalAll(items, s);
                }
                case "{": {
                    List<Expr[]> entries = new ArrayList<>();
                    while (!accept("}")) {
                        Expr k = ternary();
                        expect(":");
                        entries.add(new Expr[] {k, ternary()});
                        if (!peek().equals("}")) {
                            expect(",");
                        }
                    }
                    return s -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        for (Expr[] kv : entries) {
                            m.put(str(kv[0].eval(s)), kv[1].eval(s));
                        }
                        return m;
                    };
                }
                case "true", "True":
                    return s -> true;
                case "false", "False":
                    return s -> false;
                case "none", "None":
                    return s -> null;
                default:
                    break;
            }
            if (!Character.isLetter(t.charAt(0)) && t.charAt(0) != '_') {
                throw new IllegalArgumentException("chat template: unexpected '" + t + "' in " + src);
            }
            if (accept("(")) {
                List<Expr> args = arguments(")");
                return s -> call(t, evalAll(args, s));
            }
            return s -> s.get(t);
        }
    }

    private record KeywordArgument(String name, Object value) {
    }

    private static List<Object> evalAll(List<Expr> exprs, Scope s) {
        List<Object> out = new ArrayList<>();
        for (Expr e : exprs) {
            out.add(e.eval(s));
        }
        return out;
    }

    private static Object call(String name, List<Object> args) {
        switch (name) {
            case "raise_exception":
                throw new IllegalArgumentException("The chat template refused the messages: "
                        + (args.isEmpty() ? "" : str(args.get(0))));
            case "range": {
                long from = args.size() > 1 ? number(args.get(0)).longValue() : 0;
                long to = number(args.get(args.size() > 1 ? 1 : 0)).longValue();
                List<Object> out = new ArrayList<>();
                for (long i = from; i < to; i++) {
                    out.add(i);
                }
                return out;
            }
            case "namespace": {
                Namespace ns = new Namespace();
                for (Object a : args) {
                    if (a instanceof KeywordArgument k) {
                        ns.put(k.name(), k.value());
                    }
                }
                return ns;
            }
            default:
                throw new IllegalArgumentException("chat template: function " + name + "() is not supported");
        }
    }

    private static Object method(Object target, String name, List<Object> args) {
        if (target instanceof String s) {
            String a = args.isEmpty() ? null : str(args.get(0));
            return switch (name) {
                case "strip" -> a == null ? s.strip() : stripChars(stripChars(s, a, true), a, false);
                case "lstrip" -> a == null ? s.stripLeading() : stripChars(s, a, true);
                case "rstrip" -> a == null ? s.stripTrailing() : stripChars(s, a, false);
                case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
                case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
                case "startswith" -> s.startsWith(a);
                case "endswith" -> s.endsWith(a);
                case "replace" -> s.replace(a, str(args.get(1)));
                case "split" -> new ArrayList<Object>(List.of(a == null ? s.strip().split("\\s+")
                        : s.split(java.util.regex.Pattern.quote(a), -1)));
                default -> throw new IllegalArgumentException("chat template: string method " + name
                        + "() is not supported");
            };
        }
        if (target instanceof Map<?, ?> m) {
            return switch (name) {
                case "get" -> m.containsKey(str(args.get(0))) ? m.get(str(args.get(0)))
                        : args.size() > 1 ? args.get(1) : null;
                case "items" -> m.entrySet().stream().map(e -> (Object) List.of(e.getKey(), e.getValue())).toList();
                case "keys" -> new ArrayList<Object>(m.keySet());
                case "values" -> new ArrayList<Object>(m.values());
                default -> throw new IllegalArgumentException("chat template: mapping method " + name
                        + "() is not supported");
            };
        }
        throw new IllegalArgumentException("chat template: " + name + "() called on " + typeName(target));
    }

    private static String stripChars(String s, String chars, boolean leading) {
        int from = 0;
        int to = s.length();
        if (leading) {
            while (from < to && chars.indexOf(s.charAt(from)) >= 0) {
                from++;
            }
        } else {
            while (to > from && chars.indexOf(s.charAt(to - 1)) >= 0) {
                to--;
            }
        }
        return s.substring(from, to);
    }

    private static Object attribute(Object target, Object key) {
        if (target instanceof Map<?, ?> m) {
            return m.containsKey(str(key)) ? m.get(str(key)) : UNDEFINED;
        }
        if (target instanceof List<?> l && key instanceof Number n) {
            int i = n.intValue() < 0 ? l.size() + n.intValue() : n.intValue();
            return i >= 0 && i < l.size() ? l.get(i) : UNDEFINED;
        }
        if (target instanceof String s && key instanceof Number n) {
            int i = n.intValue() < 0 ? s.length() + n.intValue() : n.intValue();
            return i >= 0 && i < s.length() ? String.valueOf(s.charAt(i)) : UNDEFINED;
        }
        if (target == UNDEFINED || target == null) {
            throw new IllegalArgumentException("chat template: '" + key + "' of an undefined value");
        }
        return UNDEFINED;
    }

    private static Object slice(Object target, Object from, Object to) {
        int size = target instanceof String s ? s.length() : items(target).size();
        int a = from == null ? 0 : clamp(number(from).intValue(), size);
        int b = to == null ? size : clamp(number(to).intValue(), size);
        if (b < a) {
            b = a;
        }
        return target instanceof String s ? s.substring(a, b) : new ArrayList<>(items(target).subList(a, b));
    }

    private static int clamp(int i, int size) {
        return Math.max(0, Math.min(size, i < 0 ? size + i : i));
    }

    private static Object filter(String name, Object v, List<Object> args) {
        return switch (name) {
            case "trim" -> str(v).strip();
            case "upper" -> str(v).toUpperCase(java.util.Locale.ROOT);
            case "lower" -> str(v).toLowerCase(java.util.Locale.ROOT);
            case "length", "count" -> (long) (v instanceof String s ? s.length() : v instanceof Map<?, ?> m
                    ? m.size() : items(v).size());
            case "first" -> items(v).isEmpty() ? UNDEFINED : items(v).get(0);
            case "last" -> items(v).isEmpty() ? UNDEFINED : items(v).get(items(v).size() - 1);
            case "join" -> String.join(args.isEmpty() ? "" : str(args.get(0)),
                    items(v).stream().map(ChatTemplate::str).toList());
            case "default", "d" -> v == UNDEFINED ? (args.isEmpty() ? "" : args.get(0)) : v;
            case "string" -> str(v);
            case "list" -> items(v);
            case "tojson" -> {
                if (!args.isEmpty()) {
                    throw new IllegalArgumentException("chat template: tojson with arguments is not supported");
                }
                yield json(v);
            }
            default -> throw new IllegalArgumentException("chat template: filter " + name + " is not supported");
        };
    }

    private static boolean test(String name, Object v) {
        return switch (name) {
            case "defined" -> v != UNDEFINED;
            case "undefined" -> v == UNDEFINED;
            case "none" -> v == null;
            case "string" -> v instanceof String;
            case "mapping" -> v instanceof Map;
            case "sequence", "iterable" -> v instanceof List || v instanceof String || v instanceof Map;
            case "number" -> v instanceof Number;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            default -> throw new IllegalArgumentException("chat template: test 'is " + name + "' is not supported");
        };
    }

    private static boolean compare(String op, Object a, Object b) {
        if (op.equals("==")) {
            return same(a, b);
        }
        if (op.equals("!=")) {
            return !same(a, b);
        }
        int c;
        if (a instanceof Number x && b instanceof Number y) {
            c = Double.compare(x.doubleValue(), y.doubleValue());
        } else if (a instanceof String x && b instanceof String y) {
            c = x.compareTo(y);
        } else {
            throw new IllegalArgumentException("chat template: cannot compare " + typeName(a) + " and " + typeName(b));
        }
        return switch (op) {
            case "<" -> c < 0;
            case ">" -> c > 0;
            case "<=" -> c <= 0;
            default -> c >= 0;
        };
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return Objects.equals(a == UNDEFINED ? null : a, b == UNDEFINED ? null : b) && (a == UNDEFINED) == (b
                == UNDEFINED);
    }

    private static boolean contains(Object container, Object item) {
        if (container instanceof String s) {
            return s.contains(str(item));
        }
        if (container instanceof Map<?, ?> m) {
            return m.containsKey(str(item));
        }
        return items(container).stream().anyMatch(x -> same(x, item));
    }

    private static Object arithmetic(String op, Object a, Object b) {
        if (op.equals("+") && a instanceof String x && b instanceof String y) {
            return x + y;
        }
        if (op.equals("+") && a instanceof List<?> x && b instanceof List<?> y) {
            List<Object> out = new ArrayList<>(x);
            out.addAll(y);
            return out;
        }
        if (!(a instanceof Number x) || !(b instanceof Number y)) {
            throw new IllegalArgumentException("chat template: cannot apply " + op + " to " + typeName(a) + " and "
                    + typeName(b));
        }
        boolean whole = x instanceof Long && y instanceof Long;
        return switch (op) {
            case "+" -> whole ? (Object) (x.longValue() + y.longValue()) : (Object) (x.doubleValue() + y.doubleValue());
            case "-" -> whole ? (Object) (x.longValue() - y.longValue()) : (Object) (x.doubleValue() - y.doubleValue());
            case "*" -> whole ? (Object) (x.longValue() * y.longValue()) : (Object) (x.doubleValue() * y.doubleValue());
            case "//" -> (Object) Math.floorDiv(x.longValue(), y.longValue());
            case "%" -> (Object) Math.floorMod(x.longValue(), y.longValue());
            default -> (Object) (x.doubleValue() / y.doubleValue());
        };
    }

    private static Number number(Object v) {
        if (v instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("chat template: " + typeName(v) + " is not a number");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> items(Object v) {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (v instanceof String s) {
            return s.codePoints().mapToObj(c -> (Object) new String(Character.toChars(c))).toList();
        }
        if (v == UNDEFINED || v == null) {
            return List.of();
        }
        throw new IllegalArgumentException("chat template: " + typeName(v) + " is not iterable");
    }

    static boolean truthy(Object v) {
        if (v == null || v == UNDEFINED) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** How Jinja prints a value (Python's str). */
    static String str(Object v) {
        if (v == UNDEFINED) {
            return "";
        }
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && !d.isInfinite() ? String.format(java.util.Locale.ROOT, "%.1f", d)
                    : Double.toString(d);
        }
        return v instanceof Number ? v.toString() : json(v);
    }

    /** Python's {@code json.dumps(v, ensure_ascii=False)}, as Hugging Face's {@code tojson} filter writes. */
    static String json(Object v) {
        if (v == null || v == UNDEFINED) {
            return "null";
        }
        if (v instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (v instanceof Number) {
            return str(v);
        }
        if (v instanceof String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(json(str(k)) + ": " + json(x)));
            return "{" + String.join(", ", parts) + "}";
        }
        return "[" + String.join(", ", items(v).stream().map(ChatTemplate::json).toList()) + "]";
    }

    private static String typeName(Object v) {
        return v == UNDEFINED ? "an undefined value" : v == null ? "none" : v.getClass().getSimpleName();
    }
}
