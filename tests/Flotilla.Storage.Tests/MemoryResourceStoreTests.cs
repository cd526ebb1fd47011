namespace Flotilla.Storage.Tests;

public sealed class MemoryResourceStoreTests : ResourceStoreConformanceTests
{
    protected override Task<IResourceStore> CreateStoreAsync(ResourceStoreOptions? options) =>
        Task.FromResult<IResourceStore>(new MemoryResourceStore(options));

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryResourceStore(new ResourceStoreOptions { WatcherBufferSize = 0 }));

        Assert.Equal(nameof(ResourceStoreOptions.WatcherBufferSize), error.ParamName);
    }
}
