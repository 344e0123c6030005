using BenchmarkDotNet.Running;
using OpenFlow.Bench;

// Usage:
//   dotnet run -c Release --project bench/OpenFlow.Bench -- rates [seconds-per-case]
//   dotnet run -c Release --project bench/OpenFlow.Bench -- [BenchmarkDotNet arguments, e.g. --filter * --job short]
if (args.Length > 0 && args[0] == "rates")
{
    var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2.0;
    Rates.Run(TimeSpan.FromSeconds(seconds));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CodecBenchmarks).Assembly).Run(args);
