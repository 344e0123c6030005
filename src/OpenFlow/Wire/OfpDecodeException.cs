using OpenFlow.Protocol;

namespace OpenFlow.Wire;

/// <summary>
/// The one exception the codec throws for malformed input. It carries the OpenFlow error type and
/// code that a controller should answer with (OFPT_ERROR), and the byte offset where decoding failed.
/// </summary>
public sealed class OfpDecodeException : Exception
{
    public OfpDecodeException(ErrorType type, ushort code, int offset, string message)
        : base($"{message} (error {type}/{code} at offset {offset})")
    {
        Type = type;
        Code = code;
        Offset = offset;
    }

    public OfpDecodeException()
        : this(ErrorType.BadRequest, (ushort)BadRequestCode.BadLen, 0, "malformed message")
    {
    }

    public OfpDecodeException(string message)
        : this(ErrorType.BadRequest, (ushort)BadRequestCode.BadLen, 0, message)
    {
    }

    public OfpDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Type = ErrorType.BadRequest;
        Code = (ushort)BadRequestCode.BadLen;
    }

    public ErrorType Type { get; }

    public ushort Code { get; }

    public int Offset { get; }

    public static OfpDecodeException BadLen(int offset, string what) =>
        new(ErrorType.BadRequest, (ushort)BadRequestCode.BadLen, offset, what);

    public static OfpDecodeException BadRequest(BadRequestCode code, int offset, string what) =>
        new(ErrorType.BadRequest, (ushort)code, offset, what);

    public static OfpDecodeException BadAction(BadActionCode code, int offset, string what) =>
        new(ErrorType.BadAction, (ushort)code, offset, what);

    public static OfpDecodeException BadInstruction(BadInstructionCode code, int offset, string what) =>
        new(ErrorType.BadInstruction, (ushort)code, offset, what);

    public static OfpDecodeException BadMatch(BadMatchCode code, int offset, string what) =>
        new(ErrorType.BadMatch, (ushort)code, offset, what);
}
