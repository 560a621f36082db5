/// `objectEncoding`: how a secret's value is decoded before it is written.
public enum ObjectEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case base64
    case hex
}
