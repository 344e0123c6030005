namespace OpenFlow.Messages;

/// <summary>
/// Multipart flags: OFPMPF_REQ_MORE on requests and OFPMPF_REPLY_MORE on replies share bit 0 (<see cref="More"/>).
/// </summary>
[Flags]
public enum MultipartFlags : ushort
{
    None = 0,
    More = 1,
}
