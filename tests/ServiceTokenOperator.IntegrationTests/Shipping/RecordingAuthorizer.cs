using System.Collections.Concurrent;
using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>Decides as the inner authorizer does and records every denial, so a 403 names the missing permission.</summary>
internal sealed class RecordingAuthorizer(IKubeAuthorizer inner) : IKubeAuthorizer
{
    private readonly ConcurrentQueue<string> _denials = new();
    private readonly ConcurrentDictionary<string, int> _allowed = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Denials => [.. _denials];

    /// <summary>Requests of <paramref name="user"/> that RBAC allowed: proof that the caller was not an admin.</summary>
    public int AllowedFor(string user) => _allowed.GetValueOrDefault(user);

    public bool Allows(KubeUser user, KubeRequestAttributes request)
    {
        if (inner.Allows(user, request))
        {
            _allowed.AddOrUpdate(user.Name, 1, (_, n) => n + 1);
            return true;
        }

        var resource = request.Subresource is null ? request.Resource : $"{request.Resource}/{request.Subresource}";
        _denials.Enqueue($"{user.Name}: {request.Verb} {request.Group}/{resource} {request.Namespace}/{request.Name}");
        return false;
    }
}
