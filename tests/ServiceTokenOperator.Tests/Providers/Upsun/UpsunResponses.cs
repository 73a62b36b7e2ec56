using System.Net;
using System.Text;

namespace ServiceTokenOperator.Tests.Providers.Upsun;

/// <summary>Canned vendor answers for the in-memory handler.</summary>
internal static class UpsunResponses
{
    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage AccessToken(string value, int expiresIn = 900) =>
        Json(HttpStatusCode.OK, $$"""{"access_token":"{{value}}","expires_in":{{expiresIn}},"token_type":"bearer"}""");

    public static HttpResponseMessage InvalidGrant() =>
        Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"Invalid API token"}""");
}
