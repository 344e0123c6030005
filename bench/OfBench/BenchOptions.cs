using System.Globalization;
using System.Net;

namespace OfBench;

/// <summary>Command-line options of the switch emulator.</summary>
internal sealed record BenchOptions
{
    public IPEndPoint Controller { get; init; } = new(IPAddress.Loopback, 6653);

    public int Switches { get; init; } = 16;

    /// <summary>Distinct source MACs per switch. Small enough that a slow learning controller has seen
    /// every one of them within the warm-up round, so the measured rounds exercise the "known
    /// destination" path (FLOW_MOD + PACKET_OUT).</summary>
    public int Macs { get; init; } = 1000;

    public int Ports { get; init; } = 4;

    public BenchMode Mode { get; init; } = BenchMode.Throughput;

    public int Rounds { get; init; } = 10;

    public int RoundMs { get; init; } = 1000;

    public int WarmupRounds { get; init; } = 1;

    /// <summary>PACKET_INs in flight per switch in throughput mode.</summary>
    public int Window { get; init; } = 128;

    /// <summary>Quiet time after the last handshake message before the first PACKET_IN (os-ken
    /// handles packets only once its PORT_DESC reply is in).</summary>
    public int SettleMs { get; init; } = 500;

    /// <summary>A PACKET_IN unanswered for this long counts as lost and frees its window slot.</summary>
    public int TimeoutMs { get; init; } = 5000;

    public int ConnectTimeoutMs { get; init; } = 15000;

    public int HoldSeconds { get; init; } = 10;

    public ulong DpidBase { get; init; } = 1;

    public bool Quiet { get; init; }

    /// <summary>Connect with TLS, presenting <see cref="TlsCertificate"/> and checking the controller against <see cref="TlsCaCertificate"/>.</summary>
    public bool Tls { get; init; }

    public string? TlsCertificate { get; init; }

    public string? TlsPrivateKey { get; init; }

    public string? TlsCaCertificate { get; init; }

    public const string Usage = """
        usage: ofbench [options]
          --controller HOST:PORT   controller to connect to (default 127.0.0.1:6653)
          --switches N             emulated switches (default 16)
          --macs M                 distinct source MACs per switch (default 1000)
          --ports P                ports per switch (default 4)
          --mode throughput|latency
          --rounds R               measured rounds (default 10)
          --round-ms MS            round length (default 1000)
          --warmup-rounds W        rounds run but not counted (default 1)
          --window W               PACKET_INs in flight per switch, throughput mode (default 128)
          --settle-ms MS           quiet time after the handshake before sending (default 500)
          --timeout-ms MS          unanswered PACKET_IN counts as lost after this (default 5000)
          --connect-timeout-ms MS  time allowed for all handshakes (default 15000)
          --scale N                connect N switches that only handshake and answer echoes
          --hold-seconds S         scale mode: keep the switches connected this long (default 10)
          --dpid-base D            datapath id of the first switch (default 1)
          --quiet                  print only the RESULT line
          --tls                    connect with TLS (the controller's ssl: port); needs the three below
          --cert FILE --key FILE   the switches' certificate and key (PEM, e.g. ovs-pki req+sign sw switch)
          --cacert FILE            the CA the controller's certificate must chain to (ovs-pki controllerca/cacert.pem)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string Next()
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{a} needs a value");
                }

                return args[++i];
            }

            int NextInt(int min)
            {
                var s = Next();
                if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min)
                {
                    throw new ArgumentException($"{a}: '{s}' is not an integer >= {min}");
                }

                return v;
            }

            o = a switch
            {
                "--controller" => o with { Controller = ParseEndPoint(Next()) },
                "--switches" => o with { Switches = NextInt(1) },
                "--macs" => o with { Macs = NextInt(2) },
                "--ports" => o with { Ports = NextInt(2) },
                "--mode" => o with { Mode = ParseMode(Next()) },
                "--rounds" => o with { Rounds = NextInt(1) },
                "--round-ms" => o with { RoundMs = NextInt(10) },
                "--warmup-rounds" => o with { WarmupRounds = NextInt(0) },
                "--window" => o with { Window = NextInt(1) },
                "--settle-ms" => o with { SettleMs = NextInt(0) },
                "--timeout-ms" => o with { TimeoutMs = NextInt(10) },
                "--connect-timeout-ms" => o with { ConnectTimeoutMs = NextInt(100) },
                "--scale" => o with { Mode = BenchMode.Scale, Switches = NextInt(1) },
                "--hold-seconds" => o with { HoldSeconds = NextInt(0) },
                "--dpid-base" => o with { DpidBase = ulong.Parse(Next(), CultureInfo.InvariantCulture) },
                "--quiet" => o with { Quiet = true },
                "--tls" => o with { Tls = true },
                "--cert" => o with { TlsCertificate = Next() },
                "--key" => o with { TlsPrivateKey = Next() },
                "--cacert" => o with { TlsCaCertificate = Next() },
                _ => throw new ArgumentException($"unknown option {a}"),
            };
        }

        if (o.Macs > 0xFFFFFF)
        {
            throw new ArgumentException("--macs must be below 16777216");
        }

        if (o.Tls && (o.TlsCertificate is null || o.TlsPrivateKey is null || o.TlsCaCertificate is null))
        {
            throw new ArgumentException("--tls needs --cert, --key and --cacert");
        }

        if (o.Switches > 0xFFFF)
        {
            throw new ArgumentException("--switches must be below 65536");
        }

        return o;
    }

    private static BenchMode ParseMode(string s) => s switch
    {
        "throughput" => BenchMode.Throughput,
        "latency" => BenchMode.Latency,
        _ => throw new ArgumentException($"--mode: '{s}' is neither throughput nor latency"),
    };

    private static IPEndPoint ParseEndPoint(string s)
    {
        var colon = s.LastIndexOf(':');
        if (colon <= 0
            || !IPAddress.TryParse(s[..colon], out var ip)
            || !int.TryParse(s[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var port)
            || port is <= 0 or > 65535)
        {
            throw new ArgumentException($"--controller: '{s}' is not IP:PORT");
        }

        return new IPEndPoint(ip, port);
    }
}
