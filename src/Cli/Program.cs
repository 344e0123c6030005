using Cli;

return await Ofc.RunAsync(args, OfcEnvironment.FromProcess()).ConfigureAwait(false);
