using OpenFlow.Nicira;

namespace OpenFlow.Tests.Nicira;

/// <summary>Learn actions used as test vectors; the br-tun-shaped one matches <see cref="NiciraActionTests.BrTunLearnHex"/>.</summary>
internal static class LearnSamples
{
    /// <summary>The shape of br-tun's table-10 learn: two matches, a value load, a field load and an output.</summary>
    public static NxLearn BrTunShaped(byte table, ushort priority, ushort hardTimeout, ulong cookie) => new()
    {
        TableId = table,
        Priority = priority,
        HardTimeout = hardTimeout,
        Cookie = cookie,
        Specs =
        [
            NxLearnSpec.MatchField(NxmHeader.NxmOfVlanTci, 0, 12),
            NxLearnSpec.MatchField(NxmHeader.NxmOfEthDst, NxmHeader.NxmOfEthSrc),
            NxLearnSpec.LoadValue(0, NxmHeader.NxmOfVlanTci),
            NxLearnSpec.LoadField(NxmHeader.NxmNxTunId, NxmHeader.NxmNxTunId),
            NxLearnSpec.OutputField(NxmHeader.OxmOfInPort),
        ],
    };
}
