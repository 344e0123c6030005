using Controller.Store;
using Controller.Switches;

namespace Controller;

/// <summary>
/// Whether .NET runs socket completions on its epoll threads (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>).
/// Inline, an OpenFlow read that completes is handed to DotNetty's event loop by the epoll thread itself instead
/// of through the thread pool: one thread wake-up per message instead of two, which is what latency mode (one
/// packet in flight per switch) measures. The runtime reads the variable once, when the first socket is
/// registered, so <see cref="ControllerHost.Main"/> decides before anything listens.
/// It is safe here because nothing of ours runs long on an epoll thread: DotNetty only queues to its loop,
/// Kestrel queues to its I/O queues, the OVSDB connection leaves the epoll thread after every socket operation
/// that had to wait, TLS handshakes included. It stays off with an etcd client in the process
/// (<c>Store:Backend=etcd</c> or <c>Cluster:Enabled=true</c>): the etcd client's continuations would run there too.
/// </summary>
internal static class SocketCompletions
{
    /// <summary>The .NET switch itself, read by the runtime when its first socket is registered.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public const string Setting = OpenFlowServerOptions.SectionName + ":" + nameof(OpenFlowServerOptions.InlineSocketCompletions);

    /// <summary>What was decided, and the sentence that says why (logged at start-up).</summary>
    public readonly record struct Decision(bool Inline, string Why);

    /// <param name="variable">The variable's value in the environment, null when unset: it wins, except that <c>1</c> is refused with an etcd client.</param>
    /// <param name="setting"><c>OpenFlow:InlineSocketCompletions</c>; null: on with LiteDB, off with an etcd client.</param>
    /// <param name="backend"><c>Store:Backend</c>.</param>
    /// <param name="cluster"><c>Cluster:Enabled</c>: the cluster's membership and leases are an etcd client too.</param>
    /// <exception cref="InvalidOperationException">The variable or the setting turns them on next to an etcd client.</exception>
    public static Decision Decide(string? variable, bool? setting, string? backend, bool cluster)
    {
        var etcdClient = string.Equals(backend, StoreOptions.EtcdBackend, StringComparison.Ordinal) ? "Store:Backend=etcd"
            : cluster ? "Cluster:Enabled=true"
            : null;
        if (variable is not null)
        {
            if (variable == "1" && etcdClient is not null)
            {
                throw new InvalidOperationException(Refusal(Variable + "=1", etcdClient, "Unset it"));
            }

            return new(variable == "1", $"{Variable}={variable} is set in the environment");
        }

        if (setting == true && etcdClient is not null)
        {
            throw new InvalidOperationException(Refusal(Setting + "=true", etcdClient, $"Leave {Setting} unset (off there)"));
        }

        return setting switch
        {
            true => new(true, $"{Setting}=true"),
            false => new(false, $"{Setting}=false"),
            null when etcdClient is not null => new(false, $"the default with {etcdClient}"),
            null => new(true, "the default with Store:Backend=litedb"),
        };
    }

    private static string Refusal(string what, string etcdClient, string instead) =>
        $"{what} cannot be used with {etcdClient}: the etcd client's continuations would run on the socket I/O thread, "
        + "where one waiting for a lock can block the etcd answer that the lock's holder waits for. "
        + $"{instead}, or run without etcd.";

    /// <summary>
    /// Decides from <paramref name="configuration"/> and the environment (throwing on a conflict with etcd) and, when
    /// <paramref name="setVariable"/> (the process is the controller's own), sets the variable when on.
    /// </summary>
    public static Decision Apply(IConfiguration configuration, bool setVariable)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var raw = configuration[Setting];
        bool? setting = string.IsNullOrWhiteSpace(raw)
            ? null
            : bool.TryParse(raw, out var b) ? b : throw new InvalidOperationException($"{Setting} must be true or false, not '{raw}'.");
        var decision = Decide(
            Environment.GetEnvironmentVariable(Variable),
            setting,
            configuration[StoreOptions.SectionName + ":Backend"] ?? StoreOptions.LiteDbBackend,
            bool.TryParse(configuration["Cluster:Enabled"], out var cluster) && cluster);
        if (decision.Inline && setVariable)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }

        return decision;
    }
}
