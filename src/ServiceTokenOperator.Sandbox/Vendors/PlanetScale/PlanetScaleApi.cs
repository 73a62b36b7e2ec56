using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>
/// The vendor API of vendor-contracts.md "PlanetScale", routed by hand so that every answer (unknown paths
/// included) carries PlanetScale's status codes and error bodies. Order per request: fault plan, Accept,
/// credential (401), rate limit (429), organization and permission (404, as PlanetScale answers a missing
/// permission), then the call.
/// </summary>
internal sealed class PlanetScaleApi(PlanetScaleStore store, FaultPlan faults, RateLimitWindow rateLimit)
{
    public const int DefaultPerPage = 25;

    // Undocumented: the simulator clamps larger pages to 100.
    public const int MaxPerPage = 100;

    // One message for an unknown organization, an unknown token and a missing permission: the caller cannot
    // tell them apart, as with the real API.
    private const string NotFoundMessage = "The resource you requested could not be found.";

    private long _requestCount;

    public long RequestCount => Interlocked.Read(ref _requestCount);

    public async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        var request = context.Request;

        var fault = faults.Next();
        if (fault.Delay > TimeSpan.Zero)
        {
            // Simulated network latency is wall-clock time on purpose: real sockets wait on it.
            await Task.Delay(fault.Delay, context.RequestAborted);
        }

        if (fault.Fails)
        {
            await WriteFaultAsync(context, fault);
            return;
        }

        if (!AcceptsJson(request))
        {
            await WriteErrorAsync(context, StatusCodes.Status406NotAcceptable, "not_acceptable", "Only application/json is served.");
            return;
        }

        var caller = Authenticate(request);
        if (caller is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized: the service token is missing, invalid, expired or deleted.");
            return;
        }

        if (rateLimit.TryAcquire(caller.Id) is { } wait)
        {
            context.Response.Headers.RetryAfter = Seconds(wait);
            await WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, "rate_limited", "Rate limit exceeded: 600 requests per minute per service token.");
            return;
        }

        // /v1/organizations/{org}/service-tokens[/{id}[/access]]
        var segments = (request.Path.Value ?? "").Trim('/').Split('/');
        if (segments.Length is < 4 or > 6
            || segments[0] != "v1" || segments[1] != "organizations" || segments[3] != "service-tokens"
            || (segments.Length == 6 && segments[5] != "access")
            || segments[2] != store.Organization)
        {
            await NotFoundAsync(context);
            return;
        }

        var id = segments.Length > 4 ? segments[4] : null;
        var method = request.Method;
        var (handler, permission) = (segments.Length, method) switch
        {
            (4, "GET") => (ListAsync, PlanetScaleAccessNames.ReadServiceTokens),
            (4, "POST") => (CreateAsync, PlanetScaleAccessNames.WriteServiceTokens),
            (5, "GET") => (c => GetAsync(c, id!), PlanetScaleAccessNames.ReadServiceTokens),
            (5, "DELETE") => (c => DeleteAsync(c, id!), PlanetScaleAccessNames.DeleteServiceTokens),
            (6, "GET") => (c => ShowAccessAsync(c, id!), PlanetScaleAccessNames.ReadServiceTokens),
            (6, "POST") => (c => ChangeAccessAsync(c, id!, add: true), PlanetScaleAccessNames.WriteServiceTokens),
            (6, "DELETE") => (c => ChangeAccessAsync(c, id!, add: false), PlanetScaleAccessNames.WriteServiceTokens),
            _ => ((Func<HttpContext, Task>?)null, ""),
        };

        if (handler is null || !store.HasOrganizationAccess(caller, permission))
        {
            await NotFoundAsync(context);
            return;
        }

        await handler(context);
    }

    private StoredToken? Authenticate(HttpRequest request)
    {
        // "<ID>:<TOKEN>" with no scheme: "Bearer x:y" yields an id with a space, which never matches.
        var header = request.Headers.Authorization.ToString();
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == header.Length - 1) return null;
        return store.Authenticate(header[..colon], header[(colon + 1)..]);
    }

    private async Task ListAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (!TryPositive(query["page"], 1, out var page) || !TryPositive(query["per_page"], DefaultPerPage, out var perPage))
        {
            await WriteErrorAsync(context, StatusCodes.Status422UnprocessableEntity, "invalid_params", "page and per_page must be positive integers.");
            return;
        }

        perPage = Math.Min(perPage, MaxPerPage);
        var (items, total) = store.List(page, perPage);
        await WriteJsonAsync(context, StatusCodes.Status200OK, Envelope(context, page, perPage, total, items));
    }

    private async Task CreateAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context, emptyIsObject: true);
        if (body is null) return;

        string? name = null;
        long? ttl = null;
        if (body.Value.TryGetProperty("name", out var nameElement) && nameElement.ValueKind != JsonValueKind.Null)
        {
            if (nameElement.ValueKind != JsonValueKind.String)
            {
                await WriteErrorAsync(context, StatusCodes.Status422UnprocessableEntity, "invalid_params", "name must be a string.");
                return;
            }

            name = nameElement.GetString();
        }

        if (body.Value.TryGetProperty("ttl", out var ttlElement) && ttlElement.ValueKind != JsonValueKind.Null)
        {
            if (ttlElement.ValueKind != JsonValueKind.Number || !ttlElement.TryGetInt64(out var seconds) || seconds <= 0)
            {
                await WriteErrorAsync(context, StatusCodes.Status422UnprocessableEntity, "invalid_params", "ttl must be a positive whole number of seconds.");
                return;
            }

            ttl = seconds;
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, store.Create(name, ttl));
    }

    private async Task GetAsync(HttpContext context, string id)
    {
        if (store.Get(id) is { } token) await WriteJsonAsync(context, StatusCodes.Status200OK, token);
        else await NotFoundAsync(context);
    }

    private async Task DeleteAsync(HttpContext context, string id)
    {
        if (store.Delete(id)) context.Response.StatusCode = StatusCodes.Status204NoContent;
        else await NotFoundAsync(context);
    }

    private async Task ShowAccessAsync(HttpContext context, string id)
    {
        if (store.Accesses(id) is { } accesses) await WriteJsonAsync(context, StatusCodes.Status200OK, SinglePage(accesses));
        else await NotFoundAsync(context);
    }

    private async Task ChangeAccessAsync(HttpContext context, string id, bool add)
    {
        var body = await ReadBodyAsync(context, emptyIsObject: false);
        if (body is null) return;

        string? database = null;
        if (body.Value.TryGetProperty("database", out var databaseElement) && databaseElement.ValueKind != JsonValueKind.Null)
        {
            database = databaseElement.ValueKind == JsonValueKind.String ? databaseElement.GetString() : null;
            if (string.IsNullOrEmpty(database))
            {
                await WriteErrorAsync(context, StatusCodes.Status422UnprocessableEntity, "invalid_params", "database must be a non-empty string.");
                return;
            }
        }

        if (!body.Value.TryGetProperty("access", out var accessElement)
            || accessElement.ValueKind != JsonValueKind.Array
            || accessElement.GetArrayLength() == 0
            || accessElement.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
        {
            await WriteErrorAsync(context, StatusCodes.Status422UnprocessableEntity, "invalid_params", "access must be a non-empty array of access names.");
            return;
        }

        var accesses = accessElement.EnumerateArray().Select(a => a.GetString()!).ToList();

        // Without a database the accesses apply to the organization, as with the CLI's add-access.
        var known = database is null ? PlanetScaleAccessNames.Organization : PlanetScaleAccessNames.Database;
        if (accesses.FirstOrDefault(a => !known.Contains(a)) is { } unknown)
        {
            var scope = database is null ? "an organization" : "a database";
            await WriteErrorAsync(context, StatusCodes.Status422UnprocessableEntity, "unprocessable", $"'{unknown}' is not a valid access for {scope}.");
            return;
        }

        if (database is not null && !store.DatabaseExists(database))
        {
            await NotFoundAsync(context);
            return;
        }

        if (add)
        {
            if (store.AddAccesses(id, database, accesses) is { } granted) await WriteJsonAsync(context, StatusCodes.Status200OK, SinglePage(granted));
            else await NotFoundAsync(context);
        }
        else if (store.RemoveAccesses(id, database, accesses))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        else
        {
            await NotFoundAsync(context);
        }
    }

    /// <summary>The JSON object body, or null after answering 400 (malformed) / 422 (missing).</summary>
    private static async Task<JsonElement?> ReadBodyAsync(HttpContext context, bool emptyIsObject)
    {
        var request = context.Request;
        if (request.ContentType is { Length: > 0 } contentType && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "bad_request", "Content-Type must be application/json.");
            return null;
        }

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (emptyIsObject) return JsonDocument.Parse("{}").RootElement.Clone();
            await WriteErrorAsync(context, StatusCodes.Status422UnprocessableEntity, "invalid_params", "A JSON body is required.");
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Answered below like any other body that is not a JSON object.
        }

        await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "bad_request", "The request body is not a valid JSON object.");
        return null;
    }

    private static ListJson<TokenJson> Envelope(HttpContext context, int page, int perPage, int total, IReadOnlyList<TokenJson> items)
    {
        var totalPages = Math.Max(1, (total + perPage - 1) / perPage);
        int? next = page < totalPages ? page + 1 : null;
        int? prev = page > 1 ? page - 1 : null;
        var request = context.Request;
        string? Url(int? p) => p is null ? null : $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?page={p}&per_page={perPage}";
        return new ListJson<TokenJson>("list", page, perPage, next, Url(next), prev, Url(prev), total, totalPages, items);
    }

    private static ListJson<AccessJson> SinglePage(IReadOnlyList<AccessJson> items) =>
        new("list", 1, Math.Max(items.Count, 1), null, null, null, null, items.Count, 1, items);

    private static bool TryPositive(Microsoft.Extensions.Primitives.StringValues raw, int fallback, out int value)
    {
        if (raw.Count == 0 || string.IsNullOrEmpty(raw[0]))
        {
            value = fallback;
            return true;
        }

        return int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
    }

    private static bool AcceptsJson(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Length == 0
            || accept.Contains("application/json", StringComparison.OrdinalIgnoreCase)
            || accept.Contains("*/*", StringComparison.Ordinal)
            || accept.Contains("application/*", StringComparison.OrdinalIgnoreCase);
    }

    private static Task WriteFaultAsync(HttpContext context, FaultOutcome fault)
    {
        if (fault.ErrorStatus == StatusCodes.Status429TooManyRequests)
        {
            context.Response.Headers.RetryAfter = Seconds(fault.RetryAfter ?? TimeSpan.FromSeconds(1));
            return WriteErrorAsync(context, fault.ErrorStatus, "rate_limited", "Rate limit exceeded (injected).");
        }

        var code = fault.ErrorStatus >= 500 ? "internal_server_error" : "bad_request";
        return WriteErrorAsync(context, fault.ErrorStatus, code, "Injected failure.");
    }

    private static string Seconds(TimeSpan wait) =>
        ((long)Math.Ceiling(Math.Max(wait.TotalSeconds, 1))).ToString(CultureInfo.InvariantCulture);

    private static Task NotFoundAsync(HttpContext context) =>
        WriteErrorAsync(context, StatusCodes.Status404NotFound, "not_found", NotFoundMessage);

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteJsonAsync(context, status, new ErrorJson(code, message));

    private static Task WriteJsonAsync<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(value, PlanetScaleJson.Options, "application/json", context.RequestAborted);
    }
}
