import * as $protobuf from "protobufjs/minimal.js";
import Long = require("long");

export namespace tapline {

    namespace v1 {

        interface IFrame extends tapline.v1.Frame.$Properties {
        }

        class Frame {
            constructor(properties?: tapline.v1.Frame.$Properties);
            $unknowns?: Uint8Array[];
            seq: number;
            offsetNs: number;
            data?: (tapline.v1.Data.$Properties|null);
            resize?: (tapline.v1.Resize.$Properties|null);
            sessionStart?: (tapline.v1.SessionStart.$Properties|null);
            sessionEnd?: (tapline.v1.SessionEnd.$Properties|null);
            streamOpen?: (tapline.v1.StreamOpen.$Properties|null);
            streamClose?: (tapline.v1.StreamClose.$Properties|null);
            command?: (tapline.v1.Command.$Properties|null);
            query?: (tapline.v1.Query.$Properties|null);
            apiCall?: (tapline.v1.ApiCall.$Properties|null);
            fileOperation?: (tapline.v1.FileOperation.$Properties|null);
            annotation?: (tapline.v1.Annotation.$Properties|null);
            body?: ("data"|"resize"|"sessionStart"|"sessionEnd"|"streamOpen"|"streamClose"|"command"|"query"|"apiCall"|"fileOperation"|"annotation");
            static encode(message: tapline.v1.Frame.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.Frame & tapline.v1.Frame.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.Frame;
            static toObject(message: tapline.v1.Frame, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace Frame {
            interface $Properties {
                seq?: (number|null);
                offsetNs?: (number|null);
                data?: (tapline.v1.Data.$Properties|null);
                resize?: (tapline.v1.Resize.$Properties|null);
                sessionStart?: (tapline.v1.SessionStart.$Properties|null);
                sessionEnd?: (tapline.v1.SessionEnd.$Properties|null);
                streamOpen?: (tapline.v1.StreamOpen.$Properties|null);
                streamClose?: (tapline.v1.StreamClose.$Properties|null);
                command?: (tapline.v1.Command.$Properties|null);
                query?: (tapline.v1.Query.$Properties|null);
                apiCall?: (tapline.v1.ApiCall.$Properties|null);
                fileOperation?: (tapline.v1.FileOperation.$Properties|null);
                annotation?: (tapline.v1.Annotation.$Properties|null);
                body?: ("data"|"resize"|"sessionStart"|"sessionEnd"|"streamOpen"|"streamClose"|"command"|"query"|"apiCall"|"fileOperation"|"annotation");
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              seq?: number|null;
              offsetNs?: number|null;
              data?: tapline.v1.Data.$Shape|null;
              resize?: tapline.v1.Resize.$Shape|null;
              sessionStart?: tapline.v1.SessionStart.$Shape|null;
              sessionEnd?: tapline.v1.SessionEnd.$Shape|null;
              streamOpen?: tapline.v1.StreamOpen.$Shape|null;
              streamClose?: tapline.v1.StreamClose.$Shape|null;
              command?: tapline.v1.Command.$Shape|null;
              query?: tapline.v1.Query.$Shape|null;
              apiCall?: tapline.v1.ApiCall.$Shape|null;
              fileOperation?: tapline.v1.FileOperation.$Shape|null;
              annotation?: tapline.v1.Annotation.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ body?: undefined; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "data"; data: tapline.v1.Data.$Shape; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "resize"; data?: null; resize: tapline.v1.Resize.$Shape; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "sessionStart"; data?: null; resize?: null; sessionStart: tapline.v1.SessionStart.$Shape; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "sessionEnd"; data?: null; resize?: null; sessionStart?: null; sessionEnd: tapline.v1.SessionEnd.$Shape; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "streamOpen"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen: tapline.v1.StreamOpen.$Shape; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "streamClose"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose: tapline.v1.StreamClose.$Shape; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "command"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command: tapline.v1.Command.$Shape; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "query"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query: tapline.v1.Query.$Shape; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "apiCall"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall: tapline.v1.ApiCall.$Shape; fileOperation?: null; annotation?: null }|{ body?: "fileOperation"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation: tapline.v1.FileOperation.$Shape; annotation?: null }|{ body?: "annotation"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation: tapline.v1.Annotation.$Shape })
            );
        }

        interface IUser extends tapline.v1.User.$Properties {
        }

        class User {
            constructor(properties?: tapline.v1.User.$Properties);
            $unknowns?: Uint8Array[];
            id: string;
            name: string;
            email: string;
            static encode(message: tapline.v1.User.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.User & tapline.v1.User.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.User;
            static toObject(message: tapline.v1.User, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace User {
            interface $Properties {
                id?: (string|null);
                name?: (string|null);
                email?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.User.$Properties;
        }

        interface IApprover extends tapline.v1.Approver.$Properties {
        }

        class Approver {
            constructor(properties?: tapline.v1.Approver.$Properties);
            $unknowns?: Uint8Array[];
            id: string;
            name: string;
            email: string;
            approvedAtUnixMs: number;
            static encode(message: tapline.v1.Approver.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.Approver & tapline.v1.Approver.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.Approver;
            static toObject(message: tapline.v1.Approver, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace Approver {
            interface $Properties {
                id?: (string|null);
                name?: (string|null);
                email?: (string|null);
                approvedAtUnixMs?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.Approver.$Properties;
        }

        interface IAccessFlow extends tapline.v1.AccessFlow.$Properties {
        }

        class AccessFlow {
            constructor(properties?: tapline.v1.AccessFlow.$Properties);
            $unknowns?: Uint8Array[];
            id: string;
            name: string;
            static encode(message: tapline.v1.AccessFlow.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.AccessFlow & tapline.v1.AccessFlow.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.AccessFlow;
            static toObject(message: tapline.v1.AccessFlow, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace AccessFlow {
            interface $Properties {
                id?: (string|null);
                name?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.AccessFlow.$Properties;
        }

        interface IResource extends tapline.v1.Resource.$Properties {
        }

        class Resource {
            constructor(properties?: tapline.v1.Resource.$Properties);
            $unknowns?: Uint8Array[];
            id: string;
            type: string;
            name: string;
            integration: string;
            static encode(message: tapline.v1.Resource.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.Resource & tapline.v1.Resource.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.Resource;
            static toObject(message: tapline.v1.Resource, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace Resource {
            interface $Properties {
                id?: (string|null);
                type?: (string|null);
                name?: (string|null);
                integration?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.Resource.$Properties;
        }

        interface IGrant extends tapline.v1.Grant.$Properties {
        }

        class Grant {
            constructor(properties?: tapline.v1.Grant.$Properties);
            $unknowns?: Uint8Array[];
            user?: (tapline.v1.User.$Properties|null);
            approvers: tapline.v1.Approver.$Properties[];
            accessFlow?: (tapline.v1.AccessFlow.$Properties|null);
            accessRequestId: string;
            accessRequestStatus: string;
            resource?: (tapline.v1.Resource.$Properties|null);
            permissions: string[];
            expiresAtUnixMs: number;
            static encode(message: tapline.v1.Grant.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.Grant & tapline.v1.Grant.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.Grant;
            static toObject(message: tapline.v1.Grant, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace Grant {
            interface $Properties {
                user?: (tapline.v1.User.$Properties|null);
                approvers?: (tapline.v1.Approver.$Properties[]|null);
                accessFlow?: (tapline.v1.AccessFlow.$Properties|null);
                accessRequestId?: (string|null);
                accessRequestStatus?: (string|null);
                resource?: (tapline.v1.Resource.$Properties|null);
                permissions?: (string[]|null);
                expiresAtUnixMs?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.Grant.$Properties;
        }

        interface ISessionStart extends tapline.v1.SessionStart.$Properties {
        }

        class SessionStart {
            constructor(properties?: tapline.v1.SessionStart.$Properties);
            $unknowns?: Uint8Array[];
            startedAtUnixMs: number;
            sessionId: string;
            protocol: string;
            clientAddress: string;
            target: string;
            grant?: (tapline.v1.Grant.$Properties|null);
            labels: { [k: string]: string };
            static encode(message: tapline.v1.SessionStart.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.SessionStart & tapline.v1.SessionStart.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.SessionStart;
            static toObject(message: tapline.v1.SessionStart, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace SessionStart {
            interface $Properties {
                startedAtUnixMs?: (number|null);
                sessionId?: (string|null);
                protocol?: (string|null);
                clientAddress?: (string|null);
                target?: (string|null);
                grant?: (tapline.v1.Grant.$Properties|null);
                labels?: ({ [k: string]: string }|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.SessionStart.$Properties;
        }

        enum EndReason {
            END_REASON_UNSPECIFIED = 0,
            END_REASON_CLIENT_CLOSED = 1,
            END_REASON_TARGET_CLOSED = 2,
            END_REASON_GRANT_EXPIRED = 3,
            END_REASON_REVOKED = 4,
            END_REASON_ERROR = 5,
            END_REASON_SHUTDOWN = 6,
            END_REASON_QUOTA_EXCEEDED = 7,
            END_REASON_RECORDING_FAILED = 8
        }

        interface ISessionEnd extends tapline.v1.SessionEnd.$Properties {
        }

        class SessionEnd {
            constructor(properties?: tapline.v1.SessionEnd.$Properties);
            $unknowns?: Uint8Array[];
            reason: tapline.v1.EndReason;
            detail: string;
            errorCode: string;
            frames: number;
            bytesClientToTarget: number;
            bytesTargetToClient: number;
            commands: number;
            queries: number;
            apiCalls: number;
            fileOperations: number;
            streams: number;
            bytesNotRecorded: number;
            static encode(message: tapline.v1.SessionEnd.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.SessionEnd & tapline.v1.SessionEnd.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.SessionEnd;
            static toObject(message: tapline.v1.SessionEnd, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace SessionEnd {
            interface $Properties {
                reason?: (tapline.v1.EndReason|null);
                detail?: (string|null);
                errorCode?: (string|null);
                frames?: (number|null);
                bytesClientToTarget?: (number|null);
                bytesTargetToClient?: (number|null);
                commands?: (number|null);
                queries?: (number|null);
                apiCalls?: (number|null);
                fileOperations?: (number|null);
                streams?: (number|null);
                bytesNotRecorded?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.SessionEnd.$Properties;
        }

        enum StreamKind {
            STREAM_KIND_UNSPECIFIED = 0,
            STREAM_KIND_SSH_SHELL = 1,
            STREAM_KIND_SSH_EXEC = 2,
            STREAM_KIND_SSH_SFTP = 3,
            STREAM_KIND_SSH_FORWARD = 4,
            STREAM_KIND_SSH_SUBSYSTEM = 5,
            STREAM_KIND_KUBE_EXEC = 16,
            STREAM_KIND_KUBE_ATTACH = 17,
            STREAM_KIND_KUBE_PORT_FORWARD = 18,
            STREAM_KIND_KUBE_API = 19,
            STREAM_KIND_DB_CONNECTION = 32
        }

        interface IStreamOpen extends tapline.v1.StreamOpen.$Properties {
        }

        class StreamOpen {
            constructor(properties?: tapline.v1.StreamOpen.$Properties);
            $unknowns?: Uint8Array[];
            streamId: number;
            kind: tapline.v1.StreamKind;
            details: { [k: string]: string };
            cols: number;
            rows: number;
            contentRecorded: boolean;
            static encode(message: tapline.v1.StreamOpen.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.StreamOpen & tapline.v1.StreamOpen.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.StreamOpen;
            static toObject(message: tapline.v1.StreamOpen, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace StreamOpen {
            interface $Properties {
                streamId?: (number|null);
                kind?: (tapline.v1.StreamKind|null);
                details?: ({ [k: string]: string }|null);
                cols?: (number|null);
                rows?: (number|null);
                contentRecorded?: (boolean|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.StreamOpen.$Properties;
        }

        interface IStreamClose extends tapline.v1.StreamClose.$Properties {
        }

        class StreamClose {
            constructor(properties?: tapline.v1.StreamClose.$Properties);
            $unknowns?: Uint8Array[];
            streamId: number;
            exitStatus?: (number|null);
            exitSignal: string;
            detail: string;
            bytesClientToTarget: number;
            bytesTargetToClient: number;
            static encode(message: tapline.v1.StreamClose.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.StreamClose & tapline.v1.StreamClose.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.StreamClose;
            static toObject(message: tapline.v1.StreamClose, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace StreamClose {
            interface $Properties {
                streamId?: (number|null);
                exitStatus?: (number|null);
                exitSignal?: (string|null);
                detail?: (string|null);
                bytesClientToTarget?: (number|null);
                bytesTargetToClient?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.StreamClose.$Properties;
        }

        enum Direction {
            DIRECTION_UNSPECIFIED = 0,
            DIRECTION_CLIENT_TO_TARGET = 1,
            DIRECTION_TARGET_TO_CLIENT = 2
        }

        interface IData extends tapline.v1.Data.$Properties {
        }

        class Data {
            constructor(properties?: tapline.v1.Data.$Properties);
            $unknowns?: Uint8Array[];
            streamId: number;
            direction: tapline.v1.Direction;
            bytes: Uint8Array;
            channel: number;
            static encode(message: tapline.v1.Data.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.Data & tapline.v1.Data.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.Data;
            static toObject(message: tapline.v1.Data, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace Data {
            interface $Properties {
                streamId?: (number|null);
                direction?: (tapline.v1.Direction|null);
                bytes?: (Uint8Array|null);
                channel?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.Data.$Properties;
        }

        interface IResize extends tapline.v1.Resize.$Properties {
        }

        class Resize {
            constructor(properties?: tapline.v1.Resize.$Properties);
            $unknowns?: Uint8Array[];
            streamId: number;
            cols: number;
            rows: number;
            static encode(message: tapline.v1.Resize.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.Resize & tapline.v1.Resize.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.Resize;
            static toObject(message: tapline.v1.Resize, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace Resize {
            interface $Properties {
                streamId?: (number|null);
                cols?: (number|null);
                rows?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.Resize.$Properties;
        }

        interface ICommand extends tapline.v1.Command.$Properties {
        }

        class Command {
            constructor(properties?: tapline.v1.Command.$Properties);
            $unknowns?: Uint8Array[];
            streamId: number;
            text: string;
            source: string;
            startedOffsetNs: number;
            endedOffsetNs: number;
            program: string;
            inputSource: string;
            programs: string[];
            exitCode?: (number|null);
            static encode(message: tapline.v1.Command.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.Command & tapline.v1.Command.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.Command;
            static toObject(message: tapline.v1.Command, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace Command {
            interface $Properties {
                streamId?: (number|null);
                text?: (string|null);
                source?: (string|null);
                startedOffsetNs?: (number|null);
                endedOffsetNs?: (number|null);
                program?: (string|null);
                inputSource?: (string|null);
                programs?: (string[]|null);
                exitCode?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.Command.$Properties;
        }

        interface IQueryParameter extends tapline.v1.QueryParameter.$Properties {
        }

        class QueryParameter {
            constructor(properties?: tapline.v1.QueryParameter.$Properties);
            $unknowns?: Uint8Array[];
            value: string;
            isNull: boolean;
            type: string;
            format: string;
            length?: (number|null);
            redacted: boolean;
            static encode(message: tapline.v1.QueryParameter.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.QueryParameter & tapline.v1.QueryParameter.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.QueryParameter;
            static toObject(message: tapline.v1.QueryParameter, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace QueryParameter {
            interface $Properties {
                value?: (string|null);
                isNull?: (boolean|null);
                type?: (string|null);
                format?: (string|null);
                length?: (number|null);
                redacted?: (boolean|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.QueryParameter.$Properties;
        }

        interface IQuery extends tapline.v1.Query.$Properties {
        }

        class Query {
            constructor(properties?: tapline.v1.Query.$Properties);
            $unknowns?: Uint8Array[];
            streamId: number;
            text: string;
            parameters: tapline.v1.QueryParameter.$Properties[];
            commandTag: string;
            rows?: (number|null);
            errorCode: string;
            errorMessage: string;
            durationNs: number;
            database: string;
            startedOffsetNs: number;
            mode: string;
            kind: string;
            statement: string;
            portal: string;
            transactionStatus: string;
            copyBytes?: (number|null);
            warnings: number;
            errorSeverity: string;
            statementType: string;
            lastInsertId?: (number|null);
            channel: string;
            static encode(message: tapline.v1.Query.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.Query & tapline.v1.Query.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.Query;
            static toObject(message: tapline.v1.Query, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace Query {
            interface $Properties {
                streamId?: (number|null);
                text?: (string|null);
                parameters?: (tapline.v1.QueryParameter.$Properties[]|null);
                commandTag?: (string|null);
                rows?: (number|null);
                errorCode?: (string|null);
                errorMessage?: (string|null);
                durationNs?: (number|null);
                database?: (string|null);
                startedOffsetNs?: (number|null);
                mode?: (string|null);
                kind?: (string|null);
                statement?: (string|null);
                portal?: (string|null);
                transactionStatus?: (string|null);
                copyBytes?: (number|null);
                warnings?: (number|null);
                errorSeverity?: (string|null);
                statementType?: (string|null);
                lastInsertId?: (number|null);
                channel?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.Query.$Properties;
        }

        interface IApiCall extends tapline.v1.ApiCall.$Properties {
        }

        class ApiCall {
            constructor(properties?: tapline.v1.ApiCall.$Properties);
            $unknowns?: Uint8Array[];
            streamId: number;
            verb: string;
            method: string;
            path: string;
            apiGroup: string;
            apiVersion: string;
            resource: string;
            subresource: string;
            namespace: string;
            name: string;
            statusCode: number;
            durationNs: number;
            requestBody: Uint8Array;
            requestBodyTruncated: boolean;
            requestBytes: number;
            responseBytes: number;
            userAgent: string;
            static encode(message: tapline.v1.ApiCall.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.ApiCall & tapline.v1.ApiCall.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.ApiCall;
            static toObject(message: tapline.v1.ApiCall, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace ApiCall {
            interface $Properties {
                streamId?: (number|null);
                verb?: (string|null);
                method?: (string|null);
                path?: (string|null);
                apiGroup?: (string|null);
                apiVersion?: (string|null);
                resource?: (string|null);
                subresource?: (string|null);
                namespace?: (string|null);
                name?: (string|null);
                statusCode?: (number|null);
                durationNs?: (number|null);
                requestBody?: (Uint8Array|null);
                requestBodyTruncated?: (boolean|null);
                requestBytes?: (number|null);
                responseBytes?: (number|null);
                userAgent?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.ApiCall.$Properties;
        }

        enum FileOperationKind {
            FILE_OPERATION_KIND_UNSPECIFIED = 0,
            FILE_OPERATION_KIND_OPEN = 1,
            FILE_OPERATION_KIND_CLOSE = 2,
            FILE_OPERATION_KIND_READ = 3,
            FILE_OPERATION_KIND_WRITE = 4,
            FILE_OPERATION_KIND_REMOVE = 5,
            FILE_OPERATION_KIND_RENAME = 6,
            FILE_OPERATION_KIND_MKDIR = 7,
            FILE_OPERATION_KIND_RMDIR = 8,
            FILE_OPERATION_KIND_SETSTAT = 9,
            FILE_OPERATION_KIND_SYMLINK = 10,
            FILE_OPERATION_KIND_OPENDIR = 11,
            FILE_OPERATION_KIND_STAT = 12,
            FILE_OPERATION_KIND_READLINK = 13,
            FILE_OPERATION_KIND_REALPATH = 14,
            FILE_OPERATION_KIND_UPLOAD = 15,
            FILE_OPERATION_KIND_DOWNLOAD = 16
        }

        interface IFileOperation extends tapline.v1.FileOperation.$Properties {
        }

        class FileOperation {
            constructor(properties?: tapline.v1.FileOperation.$Properties);
            $unknowns?: Uint8Array[];
            streamId: number;
            kind: tapline.v1.FileOperationKind;
            path: string;
            targetPath: string;
            flags: string[];
            bytesRead: number;
            bytesWritten: number;
            status: string;
            statusMessage: string;
            attributes: { [k: string]: string };
            static encode(message: tapline.v1.FileOperation.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.FileOperation & tapline.v1.FileOperation.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.FileOperation;
            static toObject(message: tapline.v1.FileOperation, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace FileOperation {
            interface $Properties {
                streamId?: (number|null);
                kind?: (tapline.v1.FileOperationKind|null);
                path?: (string|null);
                targetPath?: (string|null);
                flags?: (string[]|null);
                bytesRead?: (number|null);
                bytesWritten?: (number|null);
                status?: (string|null);
                statusMessage?: (string|null);
                attributes?: ({ [k: string]: string }|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.FileOperation.$Properties;
        }

        enum AnnotationKind {
            ANNOTATION_KIND_UNSPECIFIED = 0,
            ANNOTATION_KIND_GAP = 1,
            ANNOTATION_KIND_ERROR = 2,
            ANNOTATION_KIND_REDACTED = 3,
            ANNOTATION_KIND_REFUSED = 4,
            ANNOTATION_KIND_NOTE = 5,
            ANNOTATION_KIND_AUTH = 6
        }

        interface IAnnotation extends tapline.v1.Annotation.$Properties {
        }

        class Annotation {
            constructor(properties?: tapline.v1.Annotation.$Properties);
            $unknowns?: Uint8Array[];
            kind: tapline.v1.AnnotationKind;
            streamId: number;
            code: string;
            message: string;
            bytesNotRecorded: number;
            details: { [k: string]: string };
            static encode(message: tapline.v1.Annotation.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.Annotation & tapline.v1.Annotation.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.Annotation;
            static toObject(message: tapline.v1.Annotation, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace Annotation {
            interface $Properties {
                kind?: (tapline.v1.AnnotationKind|null);
                streamId?: (number|null);
                code?: (string|null);
                message?: (string|null);
                bytesNotRecorded?: (number|null);
                details?: ({ [k: string]: string }|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.Annotation.$Properties;
        }

        interface ISegmentKey extends tapline.v1.SegmentKey.$Properties {
        }

        class SegmentKey {
            constructor(properties?: tapline.v1.SegmentKey.$Properties);
            $unknowns?: Uint8Array[];
            algorithm: string;
            keyId: string;
            wrappedKey: Uint8Array;
            static encode(message: tapline.v1.SegmentKey.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): tapline.v1.SegmentKey & tapline.v1.SegmentKey.$Shape;
            static fromObject(object: { [k: string]: any }): tapline.v1.SegmentKey;
            static toObject(message: tapline.v1.SegmentKey, options?: $protobuf.IConversionOptions): { [k: string]: any };
            toJSON(): { [k: string]: any };
        }

        namespace SegmentKey {
            interface $Properties {
                algorithm?: (string|null);
                keyId?: (string|null);
                wrappedKey?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = tapline.v1.SegmentKey.$Properties;
        }
    }
}
