// Plain message objects of the PostgreSQL v3 wire protocol (protocol.html,
// "Message Formats"). Byte fields are views into the bytes parsed, not copies.

/** Messages a client (frontend) sends. */
export type FrontendMessage =
  | { name: 'startup'; protocolVersion: number; parameters: Record<string, string> }
  | { name: 'sslRequest' }
  | { name: 'gssEncRequest' }
  | { name: 'cancelRequest'; processId: number; secretKey: number }
  | { name: 'query'; text: string }
  | { name: 'parse'; statement: string; text: string; parameterTypes: number[] }
  | {
      name: 'bind';
      portal: string;
      statement: string;
      /** One entry per parameter: 0 text, 1 binary. */
      parameterFormats: number[];
      /** null for SQL NULL. */
      parameters: Array<Uint8Array | null>;
      resultFormats: number[];
    }
  | { name: 'describe'; target: 'statement' | 'portal'; objectName: string }
  | { name: 'execute'; portal: string; maxRows: number }
  | { name: 'close'; target: 'statement' | 'portal'; objectName: string }
  | { name: 'sync' }
  | { name: 'flush' }
  | { name: 'terminate' }
  | { name: 'copyData'; length: number }
  | { name: 'copyDone' }
  | { name: 'copyFail'; message: string }
  /** 'p': a password, a SASL initial response or a SASL response; which one depends on the state. */
  | { name: 'password'; body: Uint8Array }
  | { name: 'functionCall'; functionOid: number };

export type FrontendMessageName = FrontendMessage['name'];

/** One column of a RowDescription. */
export interface FieldDescription {
  name: string;
  tableOid: number;
  columnAttribute: number;
  typeOid: number;
  typeSize: number;
  typeModifier: number;
  format: number;
}

/** Messages a server (backend) sends. */
export type BackendMessage =
  | { name: 'authenticationOk' }
  | { name: 'authenticationCleartextPassword' }
  | { name: 'authenticationMD5Password'; salt: Uint8Array }
  | { name: 'authenticationSASL'; mechanisms: string[] }
  | { name: 'authenticationSASLContinue'; data: Uint8Array }
  | { name: 'authenticationSASLFinal'; data: Uint8Array }
  /** Kerberos, GSS, SSPI: methods the proxy does not speak. */
  | { name: 'authenticationOther'; code: number }
  | { name: 'parameterStatus'; parameter: string; value: string }
  | { name: 'backendKeyData'; processId: number; secretKey: number }
  | { name: 'readyForQuery'; status: 'I' | 'T' | 'E' }
  | { name: 'rowDescription'; fields: FieldDescription[] }
  | { name: 'parameterDescription'; typeOids: number[] }
  /** Fields are not decoded: the recorder needs the count of rows only. */
  | { name: 'dataRow'; length: number }
  | { name: 'commandComplete'; tag: string }
  | { name: 'emptyQueryResponse' }
  | { name: 'errorResponse'; fields: NoticeFields }
  | { name: 'noticeResponse'; fields: NoticeFields }
  | { name: 'copyInResponse'; format: number; columnFormats: number[] }
  | { name: 'copyOutResponse'; format: number; columnFormats: number[] }
  | { name: 'copyBothResponse'; format: number; columnFormats: number[] }
  | { name: 'copyData'; length: number }
  | { name: 'copyDone' }
  | { name: 'notificationResponse'; processId: number; channel: string; payload: string }
  | { name: 'parseComplete' }
  | { name: 'bindComplete' }
  | { name: 'closeComplete' }
  | { name: 'noData' }
  | { name: 'portalSuspended' }
  | { name: 'negotiateProtocolVersion'; minorVersion: number; options: string[] }
  | { name: 'functionCallResponse'; length: number };

export type BackendMessageName = BackendMessage['name'];

/**
 * The fields of an ErrorResponse or NoticeResponse, by their one-letter code
 * (S severity, V severity not localized, C SQLSTATE, M message, D detail, H hint, ...).
 */
export type NoticeFields = Record<string, string>;

/** The protocol version of StartupMessage: 3.0. */
export const PROTOCOL_VERSION_3 = 196608;
/** The codes that take the place of a protocol version in special startup packets. */
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;
