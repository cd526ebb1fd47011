using System.Text.Json.Nodes;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Http;
using Flotilla.ApiServer.Registry;
using Flotilla.Storage;
using Microsoft.AspNetCore.Http;

namespace Flotilla.ApiServer.Tests.Http;

public sealed class WatchHandlerTests
{
    [Fact]
    public async Task Serve_ClientGoesAwayWhileWaitingForABookmark_EndsCleanly()
    {
        var time = TimeProvider.System;
        var registry = new ResourceRegistry();
        var service = new ResourceService(new MemoryResourceStore(), registry, new Admission(registry, time), time);
        var configMaps = registry.Find("", "v1", "configmaps")!;
        await service.CreateAsync(registry.Find("", "v1", "namespaces")!, null, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = "default" },
        }, RequestOptions.System("test"));
        await service.CreateAsync(configMaps, "default", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "seen" },
        }, RequestOptions.System("test"));
        var handler = new WatchHandler(service, new Responses(time), time, WatchSettings.Default, CancellationToken.None);
        using var clientGone = new CancellationTokenSource();
        var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestAborted = clientGone.Token };
        context.Request.QueryString = new QueryString("?watch=true&allowWatchBookmarks=true");
        context.Response.Body = body;

        var serving = handler.ServeAsync(context, new ResourcePath(configMaps, "default", null, null));
        // The initial ADDED event is out: the handler now waits for changes or the next bookmark.
        for (var waited = 0; body.Length == 0; waited += 10)
        {
            Assert.True(waited < 10_000, "timed out waiting for the initial event to be written");
            await Task.Delay(10);
        }
        await clientGone.CancelAsync();

        // The stream ends, without an error from disposing the store reader while a read is pending.
        var ended = await Task.WhenAny(serving, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(serving, ended);
        Assert.True(serving.IsCompletedSuccessfully || serving.Exception?.InnerException is OperationCanceledException, serving.Exception?.ToString());
    }
}
