import CYaml

/// Checks YAML's anchors (`&name`) and aliases (`*name`) on libyaml's parser events, before Yams composes the
/// document. Composing is where aliases cost: Yams hashes every mapping key to find duplicates, and an alias
/// key is hashed through its whole expansion, so a few hundred bytes of nested aliases ("billion laughs") take
/// 10^9 steps. The events come from the parser Yams itself uses (its `CYaml` module), so what is seen here is
/// exactly what Yams would compose; `&` or `*` inside a quoted, block or plain value is text, not an event.
public enum YAMLAnchors {
    /// Whether `text` has an anchor or alias. `false` for text with a syntax error before any: composing it
    /// then fails at that error, before it can reach an alias.
    public static func present(in text: String) -> Bool {
        var found = false
        forEachEvent(in: text) { event in
            switch event.type {
            case YAML_ALIAS_EVENT: found = true
            case YAML_SCALAR_EVENT: found = event.data.scalar.anchor != nil
            case YAML_SEQUENCE_START_EVENT: found = event.data.sequence_start.anchor != nil
            case YAML_MAPPING_START_EVENT: found = event.data.mapping_start.anchor != nil
            default: break
            }
            return !found
        }
        return found
    }

    /// Whether composing `text` would copy more than `limit` nodes through aliases, counting each alias as the
    /// size of the node it repeats (as Yams' hashing and any walk of the tree see it). Stops counting at
    /// `limit`, so the answer costs one pass over the text whatever the expansion.
    public static func expansion(in text: String, exceeds limit: Int) -> Bool {
        var sizes: [String: Int] = [:]
        // Per open collection: its anchor and the nodes counted in it so far (itself included).
        var open: [(anchor: String?, size: Int)] = []
        var copied = 0
        func add(_ size: Int, anchor: String?) {
            if let anchor { sizes[anchor] = size }
            if !open.isEmpty { open[open.count - 1].size += size }
        }
        forEachEvent(in: text) { event in
            switch event.type {
            case YAML_ALIAS_EVENT:
                // An alias to an anchor not yet complete fails in Yams ("found undefined alias").
                let size = sizes[string(event.data.alias.anchor) ?? ""] ?? 1
                copied += size
                add(size, anchor: nil)
            case YAML_SCALAR_EVENT:
                add(1, anchor: string(event.data.scalar.anchor))
            case YAML_SEQUENCE_START_EVENT:
                open.append((string(event.data.sequence_start.anchor), 1))
            case YAML_MAPPING_START_EVENT:
                open.append((string(event.data.mapping_start.anchor), 1))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let closed = open.popLast() { add(closed.size, anchor: closed.anchor) }
            default: break
            }
            return copied <= limit
        }
        return copied > limit
    }

    /// Feeds `body` the parser's events until it returns `false`, the stream ends, or a syntax error.
    private static func forEachEvent(in text: String, _ body: (yaml_event_t) -> Bool) {
        // libyaml asserts on a null input buffer, which is what an empty array gives.
        guard !text.isEmpty else { return }
        var bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                let type = event.type
                let more = body(event)
                yaml_event_delete(&event)
                if !more || type == YAML_STREAM_END_EVENT { return }
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
