using OpenFlow.Matching;
using OpenFlow.Wire;

namespace OpenFlow.Tests.Matching;

internal static class MatchWire
{
    public static string Encode(Match m)
    {
        var buf = new byte[2048];
        var w = new OfpWriter(buf);
        m.Write(ref w);
        return Convert.ToHexStringLower(w.Written);
    }

    public static Match Decode(string hex)
    {
        var r = new OfpReader(Convert.FromHexString(hex));
        var m = Match.Read(ref r);
        r.ExpectEnd("match");
        return m;
    }
}
