using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace ServiceTokenOperator.IntegrationTests.Sandbox.Kubernetes;

/// <summary>A raw watch stream read line by line, to check the wire format exactly.</summary>
internal sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private WatchStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public static async Task<WatchStream> OpenAsync(KubeTestWorld world, string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", world.Server.AdminToken);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await world.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new WatchStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The next event, or null when the server closed the stream.</summary>
    public async Task<JsonObject?> NextAsync(int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var line = await _reader.ReadLineAsync(timeout.Token);
        return line is null ? null : JsonNode.Parse(line)!.AsObject();
    }

    /// <summary>The next event that is not a BOOKMARK.</summary>
    public async Task<JsonObject?> NextChangeAsync(int seconds = 10)
    {
        while (true)
        {
            var next = await NextAsync(seconds);
            if (next?["type"]?.GetValue<string>() != "BOOKMARK")
            {
                return next;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
