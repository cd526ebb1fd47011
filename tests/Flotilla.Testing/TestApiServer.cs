using Flotilla.ApiServer;

namespace Flotilla.Testing;

/// <summary>An API server on a free loopback port with its own data directory and kubectl wiring, for tests.</summary>
public sealed class TestApiServer : IAsyncDisposable
{
    private readonly TemporaryDirectory _directory;
    private readonly bool _ownsDirectory;

    private TestApiServer(ApiServerHost host, TemporaryDirectory directory, bool ownsDirectory)
    {
        Host = host;
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        Kubectl = new Kubectl(host.KubeconfigPath, directory.Combine("kube-cache"));
    }

    public ApiServerHost Host { get; }

    public Kubectl Kubectl { get; }

    public string DataDirectory => _directory.Path;

    public static async Task<TestApiServer> StartAsync(StorageBackend storage = StorageBackend.Memory, TemporaryDirectory? directory = null, TimeSpan? bookmarkInterval = null)
    {
        var dir = directory ?? new TemporaryDirectory("flotilla-apiserver");
        var host = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            DataDirectory = dir.Path,
            Port = 0,
            Storage = storage,
            WatchBookmarkInterval = bookmarkInterval ?? TimeSpan.FromMinutes(1),
        });
        return new TestApiServer(host, dir, directory is null);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (_ownsDirectory)
        {
            _directory.Dispose();
        }
    }
}
