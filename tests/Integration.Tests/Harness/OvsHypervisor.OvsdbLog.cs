using System.Text.RegularExpressions;

namespace Integration.Tests.Harness;

/// <summary>One <c>transact</c> a manager sent to this host's ovsdb-server, as the server logged it, with the server's reply.</summary>
/// <param name="Remote">The connection's name in the log: <c>tcp:&lt;manager ip&gt;:&lt;port&gt;</c> for a <c>set-manager</c> target, <c>ssl:...</c> over TLS.</param>
/// <param name="Line">Its line number in the log (later requests have higher ones).</param>
/// <param name="Params">The request's params, <c>["Open_vSwitch", op, ...]</c>, as JSON text (what <c>ovsdb-client transact</c> takes).</param>
/// <param name="Reply">The reply's result (or error) as JSON text; null while unanswered.</param>
internal sealed record OvsdbLoggedTransaction(string Remote, int Line, string Params, string? Reply);

internal sealed partial class OvsHypervisor
{
    /// <summary>
    /// Every <c>transact</c> received over TCP or TLS (managers), with its reply, in log order, from the JSON-RPC debug log
    /// that <see cref="HostPlumbing.Ovsdb"/> hosts keep (<c>-vjsonrpc:file:dbg</c>).
    /// </summary>
    public IReadOnlyList<OvsdbLoggedTransaction> ManagerTransactions()
    {
        var log = Path.Combine(Directory, "ovsdb-server.log");
        var list = new List<OvsdbLoggedTransaction>();
        if (!File.Exists(log))
        {
            return list;
        }

        var pending = new Dictionary<(string Remote, string Id), int>();
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (RequestLine().Match(line) is { Success: true } request)
            {
                pending[(request.Groups["remote"].Value, request.Groups["id"].Value)] = list.Count;
                list.Add(new OvsdbLoggedTransaction(request.Groups["remote"].Value, number, request.Groups["params"].Value, null));
            }
            else if (ReplyLine().Match(line) is { Success: true } reply
                && pending.Remove((reply.Groups["remote"].Value, reply.Groups["id"].Value), out var index))
            {
                list[index] = list[index] with { Reply = reply.Groups["result"].Value };
            }
        }

        return list;
    }

    /// <summary>The manager transactions that came from the controller at <paramref name="ip"/> (any port).</summary>
    public IReadOnlyList<OvsdbLoggedTransaction> ManagerTransactionsFrom(string ip) =>
        [.. ManagerTransactions().Where(t => t.Remote.StartsWith($"tcp:{ip}:", StringComparison.Ordinal))];

    /// <summary>Replays a logged transaction over the local socket (as a late delivery would); returns the server's answer.</summary>
    public async Task<string> ReplayAsync(OvsdbLoggedTransaction transaction)
    {
        var r = await Sh.RunAsync(["ovsdb-client", "transact", $"unix:{Path.Combine(Directory, "db.sock")}", transaction.Params], env: Environment, check: false).ConfigureAwait(false);
        return r.Stdout.Trim() + r.Stderr.Trim();
    }

    [GeneratedRegex(@"\|jsonrpc\|DBG\|(?<remote>(?:tcp|ssl):[^ ]+): received request, method=""transact"", params=(?<params>.*), id=(?<id>\S+)$")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"\|jsonrpc\|DBG\|(?<remote>(?:tcp|ssl):[^ ]+): send (?:reply|error), (?:result|error)=(?<result>.*), id=(?<id>\S+)$")]
    private static partial Regex ReplyLine();
}
