using Tests.Shared;
using Integration.Tests.Harness;

namespace Integration.Tests.Plumbing;

/// <summary>Ping helpers: warm a path (the first packets may go while ARP and the tunnel endpoint resolve), then count.</summary>
internal static class Reach
{
    /// <summary>Polls single pings until one is answered (or the timeout), then returns the answers to 3 more.</summary>
    public static async Task<int> PingAfterWarmUpAsync(BoundVm from, string ip, TimeSpan? warmUp = null)
    {
        try
        {
            await Poll.UntilAsync(
                async () => await from.Vm.PingAsync(ip, count: 1, timeout: TimeSpan.FromSeconds(1)).ConfigureAwait(false) == 1,
                warmUp ?? TimeSpan.FromSeconds(15),
                $"{from.Vm.Name} to reach {ip}").ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return 0;
        }

        return await from.PingAsync(ip, count: 3).ConfigureAwait(false);
    }
}
