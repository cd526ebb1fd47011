using System.Text.Json.Nodes;

namespace Flotilla.LocalCluster.Tests.Support;

/// <summary>The objects the tests create, as a user would write them.</summary>
internal static class Manifests
{
    public const string KuardImage = "gcr.io/kuar-demo/kuard-amd64:blue";

    public static JsonObject Container(string image = KuardImage, int port = 8080, string? portName = null, JsonObject? resources = null, JsonObject? readinessProbe = null)
    {
        var portSpec = new JsonObject { ["containerPort"] = port };
        if (portName is not null)
        {
            portSpec["name"] = portName;
        }
        var container = new JsonObject { ["name"] = "app", ["image"] = image, ["ports"] = new JsonArray(portSpec) };
        if (resources is not null)
        {
            container["resources"] = resources;
        }
        if (readinessProbe is not null)
        {
            container["readinessProbe"] = readinessProbe;
        }
        return container;
    }

    public static JsonObject Template(string app, JsonObject? container = null, string? restartPolicy = null)
    {
        var spec = new JsonObject { ["containers"] = new JsonArray(container ?? Container()) };
        if (restartPolicy is not null)
        {
            spec["restartPolicy"] = restartPolicy;
        }
        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = app } },
            ["spec"] = spec,
        };
    }

    public static JsonObject Deployment(string name, int replicas, JsonObject? container = null, JsonObject? strategy = null, int? minReadySeconds = null)
    {
        var spec = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = Template(name, container),
        };
        if (strategy is not null)
        {
            spec["strategy"] = strategy;
        }
        if (minReadySeconds is not null)
        {
            spec["minReadySeconds"] = minReadySeconds;
        }
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = name } },
            ["spec"] = spec,
        };
    }

    public static JsonObject StatefulSet(string name, int replicas) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "StatefulSet",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["serviceName"] = name,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = Template(name),
        },
    };

    public static JsonObject DaemonSet(string name) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "DaemonSet",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = Template(name),
        },
    };

    public static JsonObject Job(string name, int completions, int parallelism) => new()
    {
        ["apiVersion"] = "batch/v1",
        ["kind"] = "Job",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["completions"] = completions,
            ["parallelism"] = parallelism,
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["restartPolicy"] = "Never",
                    ["containers"] = new JsonArray(new JsonObject { ["name"] = "work", ["image"] = "busybox:1.36" }),
                },
            },
        },
    };

    public static JsonObject Pod(string name, JsonObject container) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = name } },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(container) },
    };

    public static JsonObject Service(string name, string app, JsonNode targetPort, int port = 80, string? portName = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["team"] = "web" } },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["app"] = app },
            ["ports"] = new JsonArray(portName is null
                ? new JsonObject { ["port"] = port, ["targetPort"] = targetPort }
                : new JsonObject { ["name"] = portName, ["port"] = port, ["targetPort"] = targetPort }),
        },
    };
}
