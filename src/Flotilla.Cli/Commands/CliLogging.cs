using Microsoft.Extensions.Logging;

namespace Flotilla.Cli.Commands;

/// <summary>The console logger every command uses: one line per entry, warnings and up unless asked for more.</summary>
internal static class CliLogging
{
    public static ILoggerFactory Create(LogLevel minimum = LogLevel.Warning) => LoggerFactory.Create(logging => logging
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        })
        .SetMinimumLevel(minimum));
}
