using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_ERROR (<c>struct ofp_error_msg</c> and <c>ofp_error_experimenter_msg</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | type(2) | code(2) | data...                       (type != 0xffff)
/// header(8) | 0xffff(2) | exp_code(2) | experimenter(4) | data... (experimenter error)
/// </code>
/// For most errors the data holds at least the first 64 bytes of the offending request.
/// </remarks>
public sealed record ErrorMessage : OfpMessage
{
    public override OfpType Type => OfpType.Error;

    public ErrorType ErrorType { get; init; }

    /// <summary>The code, interpreted per <see cref="ErrorType"/> (or the experimenter's exp_code).</summary>
    public ushort Code { get; init; }

    /// <summary>Experimenter id, only for <see cref="Protocol.ErrorType.Experimenter"/>.</summary>
    public uint Experimenter { get; init; }

    public Octets Data { get; init; }

    /// <summary>Builds the error answering a request, quoting up to 64 bytes of it (as the spec asks).</summary>
    public static ErrorMessage For(ErrorType type, ushort code, uint xid, ReadOnlySpan<byte> offending) => new()
    {
        Xid = xid,
        ErrorType = type,
        Code = code,
        Data = Octets.CopyOf(offending[..Math.Min(offending.Length, 64)]),
    };

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt16((ushort)ErrorType);
        writer.WriteUInt16(Code);
        if (ErrorType == ErrorType.Experimenter)
        {
            writer.WriteUInt32(Experimenter);
        }

        writer.WriteBytes(Data.Span);
    }

    public static ErrorMessage Read(ref OfpReader r, in OfpHeader h)
    {
        var type = (ErrorType)r.ReadUInt16();
        var code = r.ReadUInt16();
        var exp = type == ErrorType.Experimenter ? r.ReadUInt32() : 0u;
        return new ErrorMessage
        {
            Xid = h.Xid,
            ErrorType = type,
            Code = code,
            Experimenter = exp,
            Data = Octets.CopyOf(r.ReadBytes(r.Remaining)),
        };
    }

    /// <summary>A readable name for the code, e.g. "BadRequest/BadType".</summary>
    public string Describe()
    {
        string code = ErrorType switch
        {
            ErrorType.HelloFailed => ((HelloFailedCode)Code).ToString(),
            ErrorType.BadRequest => ((BadRequestCode)Code).ToString(),
            ErrorType.BadAction => ((BadActionCode)Code).ToString(),
            ErrorType.BadInstruction => ((BadInstructionCode)Code).ToString(),
            ErrorType.BadMatch => ((BadMatchCode)Code).ToString(),
            ErrorType.FlowModFailed => ((FlowModFailedCode)Code).ToString(),
            ErrorType.GroupModFailed => ((GroupModFailedCode)Code).ToString(),
            ErrorType.PortModFailed => ((PortModFailedCode)Code).ToString(),
            ErrorType.TableModFailed => ((TableModFailedCode)Code).ToString(),
            ErrorType.QueueOpFailed => ((QueueOpFailedCode)Code).ToString(),
            ErrorType.SwitchConfigFailed => ((SwitchConfigFailedCode)Code).ToString(),
            ErrorType.RoleRequestFailed => ((RoleRequestFailedCode)Code).ToString(),
            ErrorType.MeterModFailed => ((MeterModFailedCode)Code).ToString(),
            ErrorType.TableFeaturesFailed => ((TableFeaturesFailedCode)Code).ToString(),
            ErrorType.Experimenter => $"experimenter 0x{Experimenter:x8} code {Code}",
            _ => Code.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return $"{ErrorType}/{code}";
    }
}
