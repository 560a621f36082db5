/// Token endpoints disagree on number encoding: Entra sends integers, IMDS and NMI send strings.
struct FlexibleInteger: Decodable, Sendable {
    let value: Int64

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let text = try? container.decode(String.self),
            let number = Int64(text.trimmingCharacters(in: .whitespaces))
        {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an integer or a string holding one")
        }
    }
}
