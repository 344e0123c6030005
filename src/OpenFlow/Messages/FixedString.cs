using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>
/// Fixed-size NUL-padded ASCII fields (port names, descriptions). Unlike
/// <see cref="OfpWriter.WriteFixedString"/> this writes up to the full field width, so a name that filled
/// the field on the wire (no NUL) re-encodes to the same bytes.
/// </summary>
internal static class FixedString
{
    public static void Write(ref OfpWriter w, string s, int n)
    {
        var len = Math.Min(s.Length, n);
        for (var i = 0; i < len; i++)
        {
            var c = s[i];
            w.WriteUInt8(c < 0x80 ? (byte)c : (byte)'?');
        }

        w.WriteZeros(n - len);
    }
}
