using BenchmarkDotNet.Running;

namespace Flotilla.Benchmarks;

/// <summary>
/// Micro-benchmarks of pure hot paths:
/// <c>dotnet run -c Release --project bench/Flotilla.Benchmarks -- --filter '*' --job short</c>.
/// </summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
