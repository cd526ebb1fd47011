using Flotilla.Testing;

namespace Flotilla.LocalFleet.Tests;

public sealed class FleetDirectoryTests
{
    [Fact]
    public void Lock_HeldAlready_FailsAtOnceNamingTheProcess()
    {
        using var temp = new TemporaryDirectory("flotilla-fleetdir");
        var directory = new FleetDirectory(temp.Path);

        using (directory.Lock())
        {
            Assert.True(directory.IsRunning());
            var error = Assert.Throws<FleetInUseException>(() => new FleetDirectory(temp.Path).Lock());
            Assert.Equal(Environment.ProcessId, error.Pid);
            Assert.Contains($"is already running (process {Environment.ProcessId}); stop it with `flotilla down --dir {directory.Path}`", error.Message, StringComparison.Ordinal);
        }

        Assert.False(directory.IsRunning());
        Assert.Null(directory.RunningPid());
        using var again = directory.Lock();
    }

    [Fact]
    public void Ports_SavedAndLoaded_RoundTrip()
    {
        using var temp = new TemporaryDirectory("flotilla-fleetdir");
        var directory = new FleetDirectory(temp.Path);
        Assert.Empty(directory.LoadPorts());

        directory.SavePorts(new Dictionary<string, int> { ["hub"] = 6443, ["member-1"] = 6444 });

        Assert.Equal(new Dictionary<string, int> { ["hub"] = 6443, ["member-1"] = 6444 }, directory.LoadPorts());
    }
}
