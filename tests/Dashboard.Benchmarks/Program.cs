using BenchmarkDotNet.Running;
using Dashboard.Benchmarks;

// `generate NAME LINES FILE [SEED]` writes a synthetic capture; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "generate")
{
    return InputGenerators.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(InputGenerators).Assembly).Run(args, BenchmarkConfig.Create());
return 0;
