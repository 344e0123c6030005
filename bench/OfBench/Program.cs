namespace OfBench;

/// <summary>Entry point. In a namespace (not top-level statements) so that test projects that see
/// this assembly's internals and the controller's do not get two global <c>Program</c> types.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync(BenchOptions.Usage);
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        var result = await new BenchRunner(options, Console.Out).RunAsync(cts.Token);
        Console.WriteLine(result.ToResultLine());
        return result.Error is null ? 0 : result.Connected < options.Switches ? 3 : 1;
    }
}
