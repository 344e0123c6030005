using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_DESC request: empty body.</summary>
public sealed record DescRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.Desc;

    public override void Write(ref OfpWriter w)
    {
    }

    internal static DescRequest Read(ref OfpReader r)
    {
        r.ExpectEnd("DESC request");
        return new DescRequest();
    }
}

/// <summary>OFPMP_DESC reply (<c>struct ofp_desc</c>): five NUL-padded strings.</summary>
/// <remarks>
/// <code>
/// mfr_desc(256) | hw_desc(256) | sw_desc(256) | serial_num(32) | dp_desc(256)   = 1056 bytes
/// </code>
/// </remarks>
public sealed record DescReply : MultipartReplyBody
{
    public const int DescLength = 256;
    public const int SerialLength = 32;

    public override MultipartType MultipartType => MultipartType.Desc;

    public string MfrDesc { get; init; } = string.Empty;

    public string HwDesc { get; init; } = string.Empty;

    public string SwDesc { get; init; } = string.Empty;

    public string SerialNum { get; init; } = string.Empty;

    public string DpDesc { get; init; } = string.Empty;

    public override void Write(ref OfpWriter w)
    {
        FixedString.Write(ref w, MfrDesc, DescLength);
        FixedString.Write(ref w, HwDesc, DescLength);
        FixedString.Write(ref w, SwDesc, DescLength);
        FixedString.Write(ref w, SerialNum, SerialLength);
        FixedString.Write(ref w, DpDesc, DescLength);
    }

    internal static DescReply Read(ref OfpReader r)
    {
        var d = new DescReply
        {
            MfrDesc = r.ReadFixedString(DescLength),
            HwDesc = r.ReadFixedString(DescLength),
            SwDesc = r.ReadFixedString(DescLength),
            SerialNum = r.ReadFixedString(SerialLength),
            DpDesc = r.ReadFixedString(DescLength),
        };
        r.ExpectEnd("DESC reply");
        return d;
    }
}
