namespace ServiceTokenOperator.Sandbox.Vendors.PlanetScale;

/// <summary>PlanetScale's error body: <c>{"code": "not_found", "message": "…"}</c>.</summary>
internal sealed record ErrorJson(string Code, string Message);
