namespace Ovsdb.Tests.Real;

/// <summary>
/// Guards for tests that need a real ovsdb-server. Without one the test is ignored with the reason,
/// unless REQUIRE_REAL_OVS=1 is set: then it fails, so CI can never silently stop running them.
/// (A small copy of Integration.Tests' OvsPreconditions; this project needs no root and no namespaces.)
/// </summary>
internal static class OvsdbPreconditions
{
    public const string SchemaPath = "/usr/share/openvswitch/vswitch.ovsschema";

    private static readonly string[] Commands = ["ovsdb-server", "ovsdb-tool", "ovs-vsctl"];

    public static void RequireOvsdbServer()
    {
        foreach (var command in Commands)
        {
            if (!CommandExists(command))
            {
                Missing($"'{command}' (apt-get install openvswitch-switch)");
            }
        }

        if (!File.Exists(SchemaPath))
        {
            Missing(SchemaPath);
        }
    }

    public static void Missing(string what)
    {
        string reason = $"{what} is not installed";
        if (Environment.GetEnvironmentVariable("REQUIRE_REAL_OVS") == "1")
        {
            Assert.Fail($"REQUIRE_REAL_OVS=1 but {reason}");
        }

        Assert.Ignore(reason);
    }

    public static bool CommandExists(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Concat(["/usr/sbin", "/sbin"])
            .Any(dir => File.Exists(Path.Combine(dir, command)));
}
