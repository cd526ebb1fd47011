using System.CommandLine;
using System.Diagnostics;
using Flotilla.LocalFleet;

namespace Flotilla.Cli.Commands;

/// <summary><c>flotilla down</c>: stop the fleet `flotilla up` runs from a directory (its state stays).</summary>
internal static class DownCommand
{
    public static Command Create()
    {
        var dir = DirectoryOption.Create();
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the fleet to stop", DefaultValueFactory = _ => 60 };
        var command = new Command("down", "Stop the local fleet running from DIR. Its state stays: `flotilla up` resumes it.")
        {
            dir, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = new FleetDirectory(parse.GetValue(dir)!.FullName);
            if (!directory.IsRunning())
            {
                Console.WriteLine($"No fleet is running from {directory.Path}.");
                return 0;
            }
            if (directory.RunningPid() is not int pid || !await SignalTerminateAsync(pid).ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"The fleet in {directory.Path} is running but its process could not be signalled; stop it with Ctrl+C where it runs.").ConfigureAwait(false);
                return 1;
            }
            Console.WriteLine($"Stopping the fleet in {directory.Path} (process {pid})…");
            var clock = Stopwatch.StartNew();
            while (directory.IsRunning())
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(parse.GetValue(timeout)))
                {
                    await Console.Error.WriteLineAsync($"The fleet did not stop within {parse.GetValue(timeout)} s.").ConfigureAwait(false);
                    return 1;
                }
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            Console.WriteLine("Fleet stopped.");
            return 0;
        });
        return command;
    }

    /// <summary>Sends SIGTERM, which `flotilla up` answers with a clean shutdown (.NET's Process.Kill would send SIGKILL).</summary>
    private static async Task<bool> SignalTerminateAsync(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
        });
        if (kill is null)
        {
            return false;
        }
        await kill.WaitForExitAsync().ConfigureAwait(false);
        return kill.ExitCode == 0;
    }
}
