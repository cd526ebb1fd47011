using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flotilla.LocalFleet;

/// <summary>
/// The on-disk layout of a local fleet (<c>.flotilla</c> by default): one data directory per cluster, the kubeconfigs
/// users take, the lock that keeps two <c>flotilla up</c> off the same fleet, the fleet file in use, the ports
/// chosen on first start (so kubeconfigs stay valid across restarts) and the <c>ready</c> marker.
/// </summary>
/// <remarks>
/// <code>
/// DIR/flotilla.lock        held (flock) while a fleet runs from DIR
/// DIR/flotilla.pid         that process's id, for `flotilla down`
/// DIR/fleet.yaml           the fleet file the fleet was started with
/// DIR/ports.json           cluster name → API server port
/// DIR/ready                exists while every member has joined
/// DIR/kubeconfigs/NAME     hub and one per member
/// DIR/clusters/NAME/       each API server's data directory (state.db, pki, tokens)
/// </code>
/// </remarks>
public sealed class FleetDirectory
{
    public const string HubName = "hub";

    public FleetDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string LockFile => System.IO.Path.Combine(Path, "flotilla.lock");

    public string PidFile => System.IO.Path.Combine(Path, "flotilla.pid");

    public string FleetFile => System.IO.Path.Combine(Path, "fleet.yaml");

    public string PortsFile => System.IO.Path.Combine(Path, "ports.json");

    public string ReadyFile => System.IO.Path.Combine(Path, "ready");

    public string KubeconfigsDirectory => System.IO.Path.Combine(Path, "kubeconfigs");

    public string Kubeconfig(string cluster) => System.IO.Path.Combine(KubeconfigsDirectory, cluster);

    public string ClusterData(string cluster) => System.IO.Path.Combine(Path, "clusters", cluster);

    /// <summary>Takes the fleet's lock, or fails at once when another process runs this fleet.</summary>
    /// <exception cref="FleetInUseException">Another <c>flotilla up</c> holds it.</exception>
    public IDisposable Lock()
    {
        Directory.CreateDirectory(Path);
        FileStream stream;
        try
        {
            // FileShare.None is an exclusive flock on Unix: released by the kernel if the process dies, so a crash
            // never leaves a stale lock behind.
            stream = new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new FleetInUseException(Path, RunningPid());
        }
        File.WriteAllText(PidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new FleetLock(stream, PidFile);
    }

    /// <summary>True when a process holds the fleet's lock (a fleet is running from this directory).</summary>
    public bool IsRunning()
    {
        if (!File.Exists(LockFile))
        {
            return false;
        }
        try
        {
            using var probe = new FileStream(LockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The pid recorded by the running fleet, if any.</summary>
    public int? RunningPid() =>
        File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    /// <summary>Ports recorded on earlier starts, by cluster name.</summary>
    public Dictionary<string, int> LoadPorts() =>
        File.Exists(PortsFile)
            ? JsonSerializer.Deserialize(File.ReadAllText(PortsFile), FleetDirectoryJsonContext.Default.DictionaryStringInt32) ?? []
            : [];

    public void SavePorts(IReadOnlyDictionary<string, int> ports) =>
        File.WriteAllText(PortsFile, JsonSerializer.Serialize(ports.ToDictionary(p => p.Key, p => p.Value), FleetDirectoryJsonContext.Default.DictionaryStringInt32));

    private sealed class FleetLock(FileStream stream, string pidFile) : IDisposable
    {
        public void Dispose()
        {
            File.Delete(pidFile);
            stream.Dispose();
        }
    }
}

/// <summary>Another process runs the fleet in this directory.</summary>
public sealed class FleetInUseException(string directory, int? pid)
    : Exception($"The fleet in {directory} is already running{(pid is null ? "" : $" (process {pid})")}; stop it with `flotilla down --dir {directory}` or use another --dir.")
{
    public string Directory { get; } = directory;

    public int? Pid { get; } = pid;
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class FleetDirectoryJsonContext : JsonSerializerContext;
