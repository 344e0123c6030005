using System.Collections.Immutable;
using OpenFlow.Actions;
using OpenFlow.Wire;

namespace OpenFlow.Tests.Actions;

/// <summary>Encode/decode helpers for action lists in tests.</summary>
internal static class ActionWire
{
    public static string Encode(params OfpAction[] actions)
    {
        var buf = new byte[4096];
        var w = new OfpWriter(buf);
        foreach (var a in actions)
        {
            a.Write(ref w);
        }

        return Convert.ToHexStringLower(w.Written);
    }

    public static ImmutableArray<OfpAction> Decode(string hex)
    {
        var r = new OfpReader(Convert.FromHexString(hex));
        return OfpAction.ReadList(ref r);
    }

    public static OfpAction DecodeOne(string hex)
    {
        var list = Decode(hex);
        Assert.That(list, Has.Length.EqualTo(1));
        return list[0];
    }
}
