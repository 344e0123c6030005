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
/// Kestrel queues to its I/O queues, the OVSDB connection leaves the epoll thread after every read that had to
/// wait. It stays off with <c>Store:Backend=etcd</c>: the etcd client's continuations would then run there too.
/// </summary>
internal static class SocketCompletions
{
    public const string Setting = OpenFlowServerOptions.SectionName + ":" + nameof(OpenFlowServerOptions.InlineSocketCompletions);

    /// <summary>What was decided, and the sentence that says why (logged at start-up).</summary>
    public readonly record struct Decision(bool Inline, string Why);

    /// <param name="variable">The variable's value in the environment, null when unset: it always wins.</param>
    /// <param name="setting"><c>OpenFlow:InlineSocketCompletions</c>; null: on with LiteDB, off with etcd.</param>
    /// <param name="backend"><c>Store:Backend</c>.</param>
    /// <exception cref="InvalidOperationException">The setting turns it on with the etcd store.</exception>
    public static Decision Decide(string? variable, bool? setting, string? backend)
    {
        var etcd = string.Equals(backend, StoreOptions.EtcdBackend, StringComparison.OrdinalIgnoreCase);
        if (variable is not null)
        {
            // With etcd and "1" the store's options validation stops start-up, naming the variable.
            return new(variable == "1", $"{StoreOptions.InlineCompletionsVariable}={variable} is set in the environment");
        }

        if (setting == true && etcd)
        {
            throw new InvalidOperationException(
                $"{Setting}=true cannot be used with Store:Backend=etcd: the etcd client's continuations would run on the "
                + "socket I/O thread, where one waiting for the store's lock can block the etcd answer its holder waits for. "
                + $"Leave {Setting} unset (off with etcd), or use Store:Backend=litedb.");
        }

        return setting switch
        {
            true => new(true, $"{Setting}=true"),
            false => new(false, $"{Setting}=false"),
            null when etcd => new(false, "the default with Store:Backend=etcd"),
            null => new(true, "the default with Store:Backend=litedb"),
        };
    }

    /// <summary>Decides from <paramref name="configuration"/> and the environment, and sets the variable when on.</summary>
    public static Decision Apply(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var raw = configuration[Setting];
        bool? setting = string.IsNullOrWhiteSpace(raw)
            ? null
            : bool.TryParse(raw, out var b) ? b : throw new InvalidOperationException($"{Setting} must be true or false, not '{raw}'.");
        var decision = Decide(
            Environment.GetEnvironmentVariable(StoreOptions.InlineCompletionsVariable),
            setting,
            configuration[StoreOptions.SectionName + ":Backend"] ?? StoreOptions.LiteDbBackend);
        if (decision.Inline)
        {
            Environment.SetEnvironmentVariable(StoreOptions.InlineCompletionsVariable, "1");
        }

        return decision;
    }
}
