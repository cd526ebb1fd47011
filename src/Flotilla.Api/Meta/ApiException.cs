using System.Text.Json.Nodes;

namespace Flotilla.Api.Meta;

/// <summary>One cause inside a Status's details: which field, what is wrong.</summary>
public sealed record StatusCause(string Reason, string Message, string? Field = null);

/// <summary>
/// The one exception type of the API boundary: it maps one-to-one to a Kubernetes <c>Status</c> object
/// (<c>{"kind":"Status","status":"Failure","code":…,"reason":…,"message":…,"details":…}</c>), both when a server
/// answers with an error and when a client receives one.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, StatusDetails? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    /// <summary>The HTTP status code, e.g. 404.</summary>
    public int Code { get; }

    /// <summary>The machine-readable reason, e.g. <c>NotFound</c>, <c>Conflict</c>, <c>Invalid</c>.</summary>
    public string Reason { get; }

    public StatusDetails? Details { get; }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.ToJson();
        }
        else
        {
            status["details"] = new JsonObject();
        }
        status["code"] = Code;
        return status;
    }

    /// <summary>Reads a <c>Status</c> body back into an exception (client side).</summary>
    public static ApiException FromStatus(int httpCode, JsonObject? status, string fallbackMessage)
    {
        if (status is null || (string?)status["kind"] != "Status")
        {
            return new ApiException(httpCode, ReasonForCode(httpCode), fallbackMessage);
        }
        var code = status["code"] is JsonValue c && c.TryGetValue<int>(out var parsed) ? parsed : httpCode;
        var details = status["details"] is JsonObject d ? StatusDetails.FromJson(d) : null;
        return new ApiException(code, (string?)status["reason"] ?? ReasonForCode(code), (string?)status["message"] ?? fallbackMessage, details);
    }

    private static string ReasonForCode(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Expired",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        504 => "Timeout",
        _ => code >= 500 ? "InternalError" : "Unknown",
    };

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException NotFound(string resource, string group, string name) =>
        new(404, "NotFound", $"{Qualified(resource, group)} \"{name}\" not found", new StatusDetails(name, group, resource));

    /// <summary>404 for a path that names no known resource.</summary>
    public static ApiException NoSuchPath() =>
        new(404, "NotFound", "the server could not find the requested resource");

    public static ApiException AlreadyExists(string resource, string group, string name) =>
        new(409, "AlreadyExists", $"{Qualified(resource, group)} \"{name}\" already exists", new StatusDetails(name, group, resource));

    public static ApiException Conflict(string resource, string group, string name, string why = "the object has been modified; please apply your changes to the latest version and try again") =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(resource, group)} \"{name}\": {why}", new StatusDetails(name, group, resource));

    /// <summary>422 Invalid; <paramref name="kind"/> is the Kind (not the resource), as upstream reports it.</summary>
    public static ApiException Invalid(string kind, string group, string name, IReadOnlyList<StatusCause> causes)
    {
        var qualifiedKind = group.Length == 0 ? kind : $"{kind}.{group}";
        var summary = causes.Count == 1 ? Describe(causes[0]) : "[" + string.Join(", ", causes.Select(Describe)) + "]";
        return new ApiException(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {summary}", new StatusDetails(name, group, kind, causes));

        static string Describe(StatusCause c) => c.Field is null ? c.Message : $"{c.Field}: {c.Message}";
    }

    public static ApiException UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);

    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiException Forbidden(string message, StatusDetails? details = null) => new(403, "Forbidden", message, details);

    public static ApiException Expired(string message) => new(410, "Expired", message);

    private static string Qualified(string resource, string group) => group.Length == 0 ? resource : $"{resource}.{group}";
}

/// <summary>The <c>details</c> of a Status: the object it is about and the causes.</summary>
public sealed record StatusDetails(string? Name = null, string? Group = null, string? Kind = null, IReadOnlyList<StatusCause>? Causes = null, string? Uid = null)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (Name is not null) json["name"] = Name;
        if (Group is not null) json["group"] = Group;
        if (Kind is not null) json["kind"] = Kind;
        if (Uid is not null) json["uid"] = Uid;
        if (Causes is { Count: > 0 })
        {
            var causes = new JsonArray();
            foreach (var cause in Causes)
            {
                var c = new JsonObject { ["reason"] = cause.Reason, ["message"] = cause.Message };
                if (cause.Field is not null) c["field"] = cause.Field;
                causes.Add(c);
            }
            json["causes"] = causes;
        }
        return json;
    }

    public static StatusDetails FromJson(JsonObject json)
    {
        List<StatusCause>? causes = null;
        if (json["causes"] is JsonArray array)
        {
            causes = [.. array.OfType<JsonObject>().Select(c => new StatusCause((string?)c["reason"] ?? "", (string?)c["message"] ?? "", (string?)c["field"]))];
        }
        return new StatusDetails((string?)json["name"], (string?)json["group"], (string?)json["kind"], causes, (string?)json["uid"]);
    }
}
