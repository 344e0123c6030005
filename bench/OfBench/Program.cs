using OfBench;

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
