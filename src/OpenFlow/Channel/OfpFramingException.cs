using DotNetty.Codecs;

namespace OpenFlow.Channel;

/// <summary>The byte stream cannot be split into OpenFlow messages; the connection must be closed.</summary>
public sealed class OfpFramingException : CorruptedFrameException
{
    public OfpFramingException(string message)
        : base(message)
    {
    }

    public OfpFramingException()
        : base("malformed OpenFlow framing")
    {
    }
}
