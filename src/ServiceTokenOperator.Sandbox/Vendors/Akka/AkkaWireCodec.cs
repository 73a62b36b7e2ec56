using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary>
/// The protobuf wire format of the Akka Platform API messages the simulator serves, written by hand from
/// vendor-contracts.md rather than generated from protos/akka: the executable compiles those protos, and both
/// assemblies are visible to the test projects, so generated types in both would collide. A second, independent
/// rendering of the field numbers also lets the contract tests catch a wrong number on either side.
/// </summary>
internal static class AkkaWireCodec
{
    public static readonly Marshaller<Empty> EmptyMarshaller = Marshallers.Create(m => m.ToByteArray(), Empty.Parser.ParseFrom);

    public static readonly Marshaller<WireAccessToken> AccessTokenMarshaller = Marshallers.Create<WireAccessToken>(Encode, _ => throw ServerOnly());

    public static readonly Marshaller<WireCreateTokenRequest> CreateTokenRequestMarshaller = Marshallers.Create(_ => throw ServerOnly(), DecodeCreateTokenRequest);

    public static readonly Marshaller<WireServiceTokenValue> ServiceTokenValueMarshaller = Marshallers.Create<WireServiceTokenValue>(Encode, _ => throw ServerOnly());

    public static readonly Marshaller<WireListTokensRequest> ListTokensRequestMarshaller = Marshallers.Create(_ => throw ServerOnly(), DecodeListTokensRequest);

    public static readonly Marshaller<WireListTokensResponse> ListTokensResponseMarshaller = Marshallers.Create<WireListTokensResponse>(Encode, _ => throw ServerOnly());

    public static readonly Marshaller<WireDeleteTokenRequest> DeleteTokenRequestMarshaller = Marshallers.Create(_ => throw ServerOnly(), DecodeDeleteTokenRequest);

    // AccessToken {string subject = 1; string token = 2; Timestamp created_time = 3; Timestamp expire_time = 4; repeated TokenScope scopes = 5}
    public static byte[] Encode(WireAccessToken message) => Write(o =>
    {
        WriteString(o, 1, message.Subject);
        WriteString(o, 2, message.Token);
        WriteTimestamp(o, 3, message.CreatedTime);
        WriteTimestamp(o, 4, message.ExpireTime);
        WritePackedEnums(o, 5, message.Scopes);
    });

    // ServiceTokenValue {ServiceToken token = 1; string value = 2}
    public static byte[] Encode(WireServiceTokenValue message) => Write(o =>
    {
        WriteBytes(o, 1, Encode(message.Token));
        WriteString(o, 2, message.Value);
    });

    // ListTokensResponse {repeated ServiceToken tokens = 1; string next_page_token = 2}
    public static byte[] Encode(WireListTokensResponse message) => Write(o =>
    {
        foreach (var token in message.Tokens) WriteBytes(o, 1, Encode(token));
        WriteString(o, 2, message.NextPageToken);
    });

    // ServiceToken {string name = 1; string description = 2; Timestamp created_time = 3; Timestamp expire_time = 4; repeated TokenScope scopes = 5}
    public static byte[] Encode(WireServiceToken message) => Write(o =>
    {
        WriteString(o, 1, message.Name);
        WriteString(o, 2, message.Description);
        WriteTimestamp(o, 3, message.CreatedTime);
        if (message.ExpireTime is { } expire) WriteTimestamp(o, 4, expire);
        WritePackedEnums(o, 5, message.Scopes);
    });

    // CreateTokenRequest {string parent = 1; string description = 2; repeated TokenScope scopes = 3}
    public static WireCreateTokenRequest DecodeCreateTokenRequest(byte[] bytes)
    {
        string parent = "", description = "";
        var scopes = new List<int>();
        Read(bytes, (input, field, wireType) =>
        {
            switch (field)
            {
                case 1 when wireType == WireFormat.WireType.LengthDelimited: parent = input.ReadString(); return true;
                case 2 when wireType == WireFormat.WireType.LengthDelimited: description = input.ReadString(); return true;
                case 3 when wireType is WireFormat.WireType.Varint or WireFormat.WireType.LengthDelimited: ReadEnums(input, wireType, scopes); return true;
                default: return false;
            }
        });
        return new WireCreateTokenRequest(parent, description, scopes);
    }

    // ListTokensRequest {string parent = 1; int32 page_size = 2; string page_token = 3}
    public static WireListTokensRequest DecodeListTokensRequest(byte[] bytes)
    {
        string parent = "", pageToken = "";
        var pageSize = 0;
        Read(bytes, (input, field, wireType) =>
        {
            switch (field)
            {
                case 1 when wireType == WireFormat.WireType.LengthDelimited: parent = input.ReadString(); return true;
                case 2 when wireType == WireFormat.WireType.Varint: pageSize = input.ReadInt32(); return true;
                case 3 when wireType == WireFormat.WireType.LengthDelimited: pageToken = input.ReadString(); return true;
                default: return false;
            }
        });
        return new WireListTokensRequest(parent, pageSize, pageToken);
    }

    // DeleteTokenRequest {string name = 1}
    public static WireDeleteTokenRequest DecodeDeleteTokenRequest(byte[] bytes)
    {
        var name = "";
        Read(bytes, (input, field, wireType) =>
        {
            if (field != 1 || wireType != WireFormat.WireType.LengthDelimited) return false;
            name = input.ReadString();
            return true;
        });
        return new WireDeleteTokenRequest(name);
    }

    private static byte[] Write(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }

        return buffer.ToArray();
    }

    // proto3: default values are not written.
    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        if (value.Length == 0) return;
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void WriteBytes(CodedOutputStream output, int field, byte[] value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    }

    private static void WriteTimestamp(CodedOutputStream output, int field, DateTimeOffset value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteMessage(Timestamp.FromDateTimeOffset(value));
    }

    // proto3 packs repeated scalars by default.
    private static void WritePackedEnums(CodedOutputStream output, int field, IReadOnlyList<int> values)
    {
        if (values.Count == 0) return;
        var packed = Write(o =>
        {
            foreach (var value in values) o.WriteEnum(value);
        });
        WriteBytes(output, field, packed);
    }

    /// <summary>Reads every field; <paramref name="onField"/> answers false for fields it does not know, which are skipped.</summary>
    private static void Read(byte[] bytes, Func<CodedInputStream, int, WireFormat.WireType, bool> onField)
    {
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (!onField(input, WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag))) input.SkipLastField();
        }
    }

    // Parsers must accept both packed and unpacked encodings of a repeated enum.
    private static void ReadEnums(CodedInputStream input, WireFormat.WireType wireType, List<int> into)
    {
        if (wireType == WireFormat.WireType.Varint)
        {
            into.Add(input.ReadEnum());
            return;
        }

        var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
        while (!packed.IsAtEnd) into.Add(packed.ReadEnum());
    }

    private static InvalidOperationException ServerOnly() => new("The simulator only serves this message in one direction.");
}
