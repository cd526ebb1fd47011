using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Flotilla.Testing;

/// <summary>
/// A <c>flotilla</c> command run as a child process (<c>dotnet flotilla.dll</c> from the test output directory), for
/// tests of what only a process shows: output, signals, exit codes, restarts. <see cref="StartAsync"/> returns once
/// a line of standard output starts with the command's ready prefix.
/// </summary>
public sealed class FlotillaProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _description;
    private readonly string _readyPrefix;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FlotillaProcess(Process process, string description, string readyPrefix)
    {
        _process = process;
        _description = description;
        _readyPrefix = readyPrefix;
    }

    public static string FlotillaDll => Path.Combine(AppContext.BaseDirectory, "flotilla.dll");

    /// <summary>The output line that said the command is ready.</summary>
    public string ReadyLine { get; private set; } = "";

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string StandardError
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>Runs <c>flotilla ARGUMENTS</c> and waits up to <paramref name="readyTimeout"/> for a line starting with <paramref name="readyPrefix"/>.</summary>
    /// <exception cref="Xunit.Sdk.XunitException">The command exited or timed out first; the message holds its output.</exception>
    public static async Task<FlotillaProcess> StartAsync(IReadOnlyList<string> arguments, string readyPrefix, TimeSpan readyTimeout, string? workingDirectory = null)
    {
        var process = Start(arguments, workingDirectory, out var description);
        var command = new FlotillaProcess(process, description, readyPrefix);
        process.OutputDataReceived += (_, e) => command.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => command.OnError(e.Data);
        process.Exited += (_, _) => command._ready.TrySetException(new InvalidOperationException($"it exited (code {process.ExitCode}) before printing '{readyPrefix}'"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            command.ReadyLine = await command._ready.Task.WaitAsync(readyTimeout).ConfigureAwait(false);
        }
        catch (Exception error) when (error is TimeoutException or InvalidOperationException)
        {
            var output = $"--- stdout ---\n{command.StandardOutput}\n--- stderr ---\n{command.StandardError}";
            await command.DisposeAsync().ConfigureAwait(false);
            throw new Xunit.Sdk.XunitException($"waiting for '{description}' to print '{readyPrefix}…': {error.Message}\n{output}");
        }
        return command;
    }

    /// <summary>Runs a short <c>flotilla</c> command to completion, with extra environment variables and standard input if given.</summary>
    public static async Task<ProcessResult> RunAsync(
        IReadOnlyList<string> arguments, TimeSpan? timeout = null, IDictionary<string, string>? environment = null, string? standardInput = null) =>
        await ProcessRunner.RunAsync(DotnetHost(), [FlotillaDll, .. arguments], environment, standardInput, timeout).ConfigureAwait(false);

    public async Task KillAsync()
    {
        _process.Kill();
        await WaitForExitAsync($"'{_description}' to die after SIGKILL").ConfigureAwait(false);
    }

    public async Task SignalAsync(string signal)
    {
        var result = await ProcessRunner.RunAsync("/bin/kill", ["-s", signal, _process.Id.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"kill -s {signal} {_process.Id} failed: {result}");
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code; the timeout message names <paramref name="phase"/>.</summary>
    public async Task<int> WaitForExitAsync(string phase, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"timed out after {limit.TotalSeconds:0}s waiting for: {phase}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }

    private static Process Start(IReadOnlyList<string> arguments, string? workingDirectory, out string description)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        info.ArgumentList.Add(FlotillaDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        description = "flotilla " + string.Join(' ', arguments);
        return new Process { StartInfo = info, EnableRaisingEvents = true };
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_stdout)
        {
            _stdout.AppendLine(line);
        }
        if (line.StartsWith(_readyPrefix, StringComparison.Ordinal))
        {
            _ready.TrySetResult(line);
        }
    }

    private void OnError(string? line)
    {
        if (line is not null)
        {
            lock (_stderr)
            {
                _stderr.AppendLine(line);
            }
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
