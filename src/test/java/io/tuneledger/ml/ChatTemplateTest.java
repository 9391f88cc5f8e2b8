package io.tuneledger.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Chat templates as models publish them render as Hugging Face's apply_chat_template renders them (Jinja with
 * trim_blocks and lstrip_blocks): Qwen2.5's (system default, tool calls with tojson, tool responses), Llama 3's
 * (bos_token, trim, set inside a loop), and the errors a template raises or a construct we do not support.
 */
class ChatTemplateTest {

    static final String QWEN25 = """
            {%- if tools %}
                {{- '<|im_start|>system\\n' }}
                {%- if messages[0]['role'] == 'system' %}
                    {{- messages[0]['content'] }}
                {%- else %}
                    {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
                {%- endif %}
                {{- "\\n\\n# Tools\\n\\n<tools>" }}
                {%- for tool in tools %}
                    {{- "\\n" }}
                    {{- tool | tojson }}
                {%- endfor %}
                {{- "\\n</tools><|im_end|>\\n" }}
            {%- else %}
                {%- if messages[0]['role'] == 'system' %}
                    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
                {%- else %}
                    {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
                {%- endif %}
            {%- endif %}
            {%- for message in messages %}
                {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
                    {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
                {%- elif message.role == "assistant" %}
                    {{- '<|im_start|>' + message.role }}
                    {%- if message.content %}
                        {{- '\\n' + message.content }}
                    {%- endif %}
                    {%- for tool_call in message.tool_calls %}
                        {%- if tool_call.function is defined %}
                            {%- set tool_call = tool_call.function %}
                        {%- endif %}
                        {{- '\\n<tool_call>\\n{"name": "' }}
                        {{- tool_call.name }}
                        {{- '", "arguments": ' }}
                        {{- tool_call.arguments | tojson }}
                        {{- '}\\n</tool_call>' }}
                    {%- endfor %}
                    {{- '<|im_end|>\\n' }}
                {%- elif message.role == "tool" %}
                    {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
                        {{- '<|im_start|>user' }}
                    {%- endif %}
                    {{- '\\n<tool_response>\\n' }}
                    {{- message.content }}
                    {{- '\\n</tool_response>' }}
                    {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
                        {{- '<|im_end|>\\n' }}
                    {%- endif %}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """;

    static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content ="
            + " '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim +"
            + " '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
            + "{% endif %}";

    static Map<String, Object> message(String role, String content) {
        return Map.of("role", role, "content", content);
    }

    @Test
    void qwenTemplateWithDefaultSystemPromptAndGenerationPrompt() {
        String out = ChatTemplate.parse(QWEN25).render(List.of(message("user", "What is 2+2?")), true, Map.of());
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant."
                + "<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n", out);
    }

    @Test
    void qwenTemplateWithToolCallsAndResponses() {
        List<Map<String, Object>> messages = List.of(
                message("system", "Be exact."),
                message("user", "Look up claim 7."),
                Map.of("role", "assistant", "content", "", "tool_calls", List.of(Map.of("function",
                        Map.of("name", "lookup", "arguments", new TreeMap<>(Map.of("id", 7L, "note", "a \"b\"")))))),
                message("tool", "{\"status\": \"open\"}"),
                message("assistant", "Claim 7 is open."));
        String out = ChatTemplate.parse(QWEN25).render(messages, false, Map.of());
        assertEquals("<|im_start|>system\nBe exact.<|im_end|>\n"
                + "<|im_start|>user\nLook up claim 7.<|im_end|>\n"
                + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"lookup\", \"arguments\": {\"id\": 7, \"note\": "
                + "\"a \\\"b\\\"\"}}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\n{\"status\": \"open\"}\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\nClaim 7 is open.<|im_end|>\n", out);
    }

    @Test
    void llama3TemplateTrimsAndAddsTheBosTokenOnce() {
        String out = ChatTemplate.parse(LLAMA3).render(List.of(message("system", "  Be brief. "),
                message("user", "Hi there")), true, Map.of("bos_token", "<|begin_of_text|>"));
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", out);
    }

    @Test
    void blocksTrimTheirLineAndNamespacesCarryValuesOutOfLoops() {
        String template = "{% set ns = namespace(n=0) %}\n"
                + "{% for m in messages %}\n"
                + "    {% if m.role == 'user' %}{% set ns.n = ns.n + 1 %}{% endif %}\n"
                + "{% endfor %}\n"
                + "users: {{ ns.n }} of {{ messages | length }}, last {{ messages[-1]['content'][:3] ~ '!' }}\n";
        String out = ChatTemplate.parse(template).render(List.of(message("user", "a"), message("assistant", "b"),
                message("user", "hello")), false, Map.of());
        assertEquals("users: 2 of 3, last hel!\n", out);
        // Whitespace before a block tag in the middle of a line stays.
        assertEquals("a b", ChatTemplate.parse("a {% if true %}b{% endif %}").render(List.of(), false, Map.of()));
    }

    @Test
    void errorsNameTheProblem() {
        String strict = "{% if messages[0]['role'] != 'user' %}{{ raise_exception('Conversation roles must alternate"
                + " user/assistant/user/assistant/...') }}{% endif %}ok";
        var raised = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.parse(strict)
                .render(List.of(message("assistant", "x")), false, Map.of()));
        assertTrue(raised.getMessage().contains("Conversation roles must alternate"), raised.getMessage());
        assertEquals("ok", ChatTemplate.parse(strict).render(List.of(message("user", "x")), false, Map.of()));
        var macro = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.parse("{% macro x() %}{% endmacro %}"));
        assertTrue(macro.getMessage().contains("{% macro %} is not supported"), macro.getMessage());
        var unclosed = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.parse("{% if true %}x"));
        assertTrue(unclosed.getMessage().contains("missing {% "), unclosed.getMessage());
    }
}
