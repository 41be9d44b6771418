/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError, $TypeError = $util.global.TypeError, $Number = $util.global.Number, $parseInt = $util.global.parseInt, $String = $util.global.String, $BigInt = $util.global.BigInt, $Array = $util.global.Array, $Boolean = $util.global.Boolean;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const tapline = $root.tapline = (() => {

    /**
     * Namespace tapline.
     * @exports tapline
     * @namespace
     */
    const tapline = {};

    tapline.v1 = (function() {

        /**
         * Namespace v1.
         * @memberof tapline
         * @namespace
         */
        const v1 = {};

        v1.Frame = (function() {

            /**
             * Properties of a Frame.
             * @typedef {Object} tapline.v1.Frame.$Properties
             * @property {number|null} [seq] Frame seq
             * @property {number|null} [offsetNs] Frame offsetNs
             * @property {tapline.v1.Data.$Properties|null} [data] Frame data
             * @property {tapline.v1.Resize.$Properties|null} [resize] Frame resize
             * @property {tapline.v1.SessionStart.$Properties|null} [sessionStart] Frame sessionStart
             * @property {tapline.v1.SessionEnd.$Properties|null} [sessionEnd] Frame sessionEnd
             * @property {tapline.v1.StreamOpen.$Properties|null} [streamOpen] Frame streamOpen
             * @property {tapline.v1.StreamClose.$Properties|null} [streamClose] Frame streamClose
             * @property {tapline.v1.Command.$Properties|null} [command] Frame command
             * @property {tapline.v1.Query.$Properties|null} [query] Frame query
             * @property {tapline.v1.ApiCall.$Properties|null} [apiCall] Frame apiCall
             * @property {tapline.v1.FileOperation.$Properties|null} [fileOperation] Frame fileOperation
             * @property {tapline.v1.Annotation.$Properties|null} [annotation] Frame annotation
             * @property {"data"|"resize"|"sessionStart"|"sessionEnd"|"streamOpen"|"streamClose"|"command"|"query"|"apiCall"|"fileOperation"|"annotation"} [body] Frame body
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Frame.
             * @memberof tapline.v1
             * @interface IFrame
             * @augments tapline.v1.Frame.$Properties
             * @deprecated Use tapline.v1.Frame.$Properties instead.
             */

            /**
             * Narrowed shape of a Frame.
             * @typedef {{
             *   seq?: number|null;
             *   offsetNs?: number|null;
             *   data?: tapline.v1.Data.$Shape|null;
             *   resize?: tapline.v1.Resize.$Shape|null;
             *   sessionStart?: tapline.v1.SessionStart.$Shape|null;
             *   sessionEnd?: tapline.v1.SessionEnd.$Shape|null;
             *   streamOpen?: tapline.v1.StreamOpen.$Shape|null;
             *   streamClose?: tapline.v1.StreamClose.$Shape|null;
             *   command?: tapline.v1.Command.$Shape|null;
             *   query?: tapline.v1.Query.$Shape|null;
             *   apiCall?: tapline.v1.ApiCall.$Shape|null;
             *   fileOperation?: tapline.v1.FileOperation.$Shape|null;
             *   annotation?: tapline.v1.Annotation.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ body?: undefined; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "data"; data: tapline.v1.Data.$Shape; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "resize"; data?: null; resize: tapline.v1.Resize.$Shape; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "sessionStart"; data?: null; resize?: null; sessionStart: tapline.v1.SessionStart.$Shape; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "sessionEnd"; data?: null; resize?: null; sessionStart?: null; sessionEnd: tapline.v1.SessionEnd.$Shape; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "streamOpen"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen: tapline.v1.StreamOpen.$Shape; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "streamClose"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose: tapline.v1.StreamClose.$Shape; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "command"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command: tapline.v1.Command.$Shape; query?: null; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "query"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query: tapline.v1.Query.$Shape; apiCall?: null; fileOperation?: null; annotation?: null }|{ body?: "apiCall"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall: tapline.v1.ApiCall.$Shape; fileOperation?: null; annotation?: null }|{ body?: "fileOperation"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation: tapline.v1.FileOperation.$Shape; annotation?: null }|{ body?: "annotation"; data?: null; resize?: null; sessionStart?: null; sessionEnd?: null; streamOpen?: null; streamClose?: null; command?: null; query?: null; apiCall?: null; fileOperation?: null; annotation: tapline.v1.Annotation.$Shape })
             * )} tapline.v1.Frame.$Shape
             */

            /**
             * Constructs a new Frame.
             * @memberof tapline.v1
             * @classdesc Represents a Frame.
             * @constructor
             * @param {tapline.v1.Frame.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Frame = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Frame seq.
             * @member {number} seq
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.seq = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Frame offsetNs.
             * @member {number} offsetNs
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.offsetNs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Frame data.
             * @member {tapline.v1.Data.$Properties|null|undefined} data
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.data = null;

            /**
             * Frame resize.
             * @member {tapline.v1.Resize.$Properties|null|undefined} resize
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.resize = null;

            /**
             * Frame sessionStart.
             * @member {tapline.v1.SessionStart.$Properties|null|undefined} sessionStart
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.sessionStart = null;

            /**
             * Frame sessionEnd.
             * @member {tapline.v1.SessionEnd.$Properties|null|undefined} sessionEnd
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.sessionEnd = null;

            /**
             * Frame streamOpen.
             * @member {tapline.v1.StreamOpen.$Properties|null|undefined} streamOpen
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.streamOpen = null;

            /**
             * Frame streamClose.
             * @member {tapline.v1.StreamClose.$Properties|null|undefined} streamClose
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.streamClose = null;

            /**
             * Frame command.
             * @member {tapline.v1.Command.$Properties|null|undefined} command
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.command = null;

            /**
             * Frame query.
             * @member {tapline.v1.Query.$Properties|null|undefined} query
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.query = null;

            /**
             * Frame apiCall.
             * @member {tapline.v1.ApiCall.$Properties|null|undefined} apiCall
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.apiCall = null;

            /**
             * Frame fileOperation.
             * @member {tapline.v1.FileOperation.$Properties|null|undefined} fileOperation
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.fileOperation = null;

            /**
             * Frame annotation.
             * @member {tapline.v1.Annotation.$Properties|null|undefined} annotation
             * @memberof tapline.v1.Frame
             * @instance
             */
            Frame.prototype.annotation = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * Frame body.
             * @member {"data"|"resize"|"sessionStart"|"sessionEnd"|"streamOpen"|"streamClose"|"command"|"query"|"apiCall"|"fileOperation"|"annotation"|undefined} body
             * @memberof tapline.v1.Frame
             * @instance
             */
            $Object.defineProperty(Frame.prototype, "body", {
                get: $util.oneOfGetter($oneOfFields = ["data", "resize", "sessionStart", "sessionEnd", "streamOpen", "streamClose", "command", "query", "apiCall", "fileOperation", "annotation"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Encodes the specified Frame message. Does not implicitly {@link tapline.v1.Frame.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.Frame
             * @static
             * @param {tapline.v1.Frame.$Properties} message Frame message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Frame.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && (typeof message.seq === "object" ? message.seq.low || message.seq.high : message.seq !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.seq);
                if (message.offsetNs != null && $Object.hasOwnProperty.call(message, "offsetNs") && (typeof message.offsetNs === "object" ? message.offsetNs.low || message.offsetNs.high : message.offsetNs !== 0))
                    writer.uint32(/* id 2, wireType 0 =*/16).uint64(message.offsetNs);
                if (message.data != null && $Object.hasOwnProperty.call(message, "data"))
                    $root.tapline.v1.Data.encode(message.data, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.resize != null && $Object.hasOwnProperty.call(message, "resize"))
                    $root.tapline.v1.Resize.encode(message.resize, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
                if (message.sessionStart != null && $Object.hasOwnProperty.call(message, "sessionStart"))
                    $root.tapline.v1.SessionStart.encode(message.sessionStart, writer.uint32(/* id 16, wireType 2 =*/130).fork(), _depth + 1).ldelim();
                if (message.sessionEnd != null && $Object.hasOwnProperty.call(message, "sessionEnd"))
                    $root.tapline.v1.SessionEnd.encode(message.sessionEnd, writer.uint32(/* id 17, wireType 2 =*/138).fork(), _depth + 1).ldelim();
                if (message.streamOpen != null && $Object.hasOwnProperty.call(message, "streamOpen"))
                    $root.tapline.v1.StreamOpen.encode(message.streamOpen, writer.uint32(/* id 18, wireType 2 =*/146).fork(), _depth + 1).ldelim();
                if (message.streamClose != null && $Object.hasOwnProperty.call(message, "streamClose"))
                    $root.tapline.v1.StreamClose.encode(message.streamClose, writer.uint32(/* id 19, wireType 2 =*/154).fork(), _depth + 1).ldelim();
                if (message.command != null && $Object.hasOwnProperty.call(message, "command"))
                    $root.tapline.v1.Command.encode(message.command, writer.uint32(/* id 20, wireType 2 =*/162).fork(), _depth + 1).ldelim();
                if (message.query != null && $Object.hasOwnProperty.call(message, "query"))
                    $root.tapline.v1.Query.encode(message.query, writer.uint32(/* id 21, wireType 2 =*/170).fork(), _depth + 1).ldelim();
                if (message.apiCall != null && $Object.hasOwnProperty.call(message, "apiCall"))
                    $root.tapline.v1.ApiCall.encode(message.apiCall, writer.uint32(/* id 22, wireType 2 =*/178).fork(), _depth + 1).ldelim();
                if (message.fileOperation != null && $Object.hasOwnProperty.call(message, "fileOperation"))
                    $root.tapline.v1.FileOperation.encode(message.fileOperation, writer.uint32(/* id 23, wireType 2 =*/186).fork(), _depth + 1).ldelim();
                if (message.annotation != null && $Object.hasOwnProperty.call(message, "annotation"))
                    $root.tapline.v1.Annotation.encode(message.annotation, writer.uint32(/* id 24, wireType 2 =*/194).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Frame message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.Frame
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.Frame & tapline.v1.Frame.$Shape} Frame
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Frame.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.Frame();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.seq = value;
                            else
                                delete message.seq;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.offsetNs = value;
                            else
                                delete message.offsetNs;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            message.data = $root.tapline.v1.Data.decode(reader, reader.size(), $undefined, _depth + 1, message.data);
                            message.body = "data";
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            message.resize = $root.tapline.v1.Resize.decode(reader, reader.size(), $undefined, _depth + 1, message.resize);
                            message.body = "resize";
                            continue;
                        }
                    case 16: {
                            if (wireType !== 2)
                                break;
                            message.sessionStart = $root.tapline.v1.SessionStart.decode(reader, reader.size(), $undefined, _depth + 1, message.sessionStart);
                            message.body = "sessionStart";
                            continue;
                        }
                    case 17: {
                            if (wireType !== 2)
                                break;
                            message.sessionEnd = $root.tapline.v1.SessionEnd.decode(reader, reader.size(), $undefined, _depth + 1, message.sessionEnd);
                            message.body = "sessionEnd";
                            continue;
                        }
                    case 18: {
                            if (wireType !== 2)
                                break;
                            message.streamOpen = $root.tapline.v1.StreamOpen.decode(reader, reader.size(), $undefined, _depth + 1, message.streamOpen);
                            message.body = "streamOpen";
                            continue;
                        }
                    case 19: {
                            if (wireType !== 2)
                                break;
                            message.streamClose = $root.tapline.v1.StreamClose.decode(reader, reader.size(), $undefined, _depth + 1, message.streamClose);
                            message.body = "streamClose";
                            continue;
                        }
                    case 20: {
                            if (wireType !== 2)
                                break;
                            message.command = $root.tapline.v1.Command.decode(reader, reader.size(), $undefined, _depth + 1, message.command);
                            message.body = "command";
                            continue;
                        }
                    case 21: {
                            if (wireType !== 2)
                                break;
                            message.query = $root.tapline.v1.Query.decode(reader, reader.size(), $undefined, _depth + 1, message.query);
                            message.body = "query";
                            continue;
                        }
                    case 22: {
                            if (wireType !== 2)
                                break;
                            message.apiCall = $root.tapline.v1.ApiCall.decode(reader, reader.size(), $undefined, _depth + 1, message.apiCall);
                            message.body = "apiCall";
                            continue;
                        }
                    case 23: {
                            if (wireType !== 2)
                                break;
                            message.fileOperation = $root.tapline.v1.FileOperation.decode(reader, reader.size(), $undefined, _depth + 1, message.fileOperation);
                            message.body = "fileOperation";
                            continue;
                        }
                    case 24: {
                            if (wireType !== 2)
                                break;
                            message.annotation = $root.tapline.v1.Annotation.decode(reader, reader.size(), $undefined, _depth + 1, message.annotation);
                            message.body = "annotation";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a Frame message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.Frame
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.Frame} Frame
             */
            Frame.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.Frame)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.Frame: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.Frame();
                if (object.seq != null)
                    if (typeof object.seq === "object" ? object.seq.low || object.seq.high : $Number(object.seq) !== 0)
                        if ($util.Long)
                            message.seq = $util.Long.fromValue(object.seq, true);
                        else if (typeof object.seq === "string")
                            message.seq = $parseInt(object.seq, 10);
                        else if (typeof object.seq === "number")
                            message.seq = object.seq;
                        else if (typeof object.seq === "object")
                            message.seq = new $util.LongBits(object.seq.low >>> 0, object.seq.high >>> 0).toNumber(true);
                if (object.offsetNs != null)
                    if (typeof object.offsetNs === "object" ? object.offsetNs.low || object.offsetNs.high : $Number(object.offsetNs) !== 0)
                        if ($util.Long)
                            message.offsetNs = $util.Long.fromValue(object.offsetNs, true);
                        else if (typeof object.offsetNs === "string")
                            message.offsetNs = $parseInt(object.offsetNs, 10);
                        else if (typeof object.offsetNs === "number")
                            message.offsetNs = object.offsetNs;
                        else if (typeof object.offsetNs === "object")
                            message.offsetNs = new $util.LongBits(object.offsetNs.low >>> 0, object.offsetNs.high >>> 0).toNumber(true);
                if (object.data != null) {
                    if (!$util.isObject(object.data))
                        throw $TypeError(".tapline.v1.Frame.data: object expected");
                    message.data = $root.tapline.v1.Data.fromObject(object.data, _depth + 1);
                }
                if (object.resize != null) {
                    if (!$util.isObject(object.resize))
                        throw $TypeError(".tapline.v1.Frame.resize: object expected");
                    message.resize = $root.tapline.v1.Resize.fromObject(object.resize, _depth + 1);
                }
                if (object.sessionStart != null) {
                    if (!$util.isObject(object.sessionStart))
                        throw $TypeError(".tapline.v1.Frame.sessionStart: object expected");
                    message.sessionStart = $root.tapline.v1.SessionStart.fromObject(object.sessionStart, _depth + 1);
                }
                if (object.sessionEnd != null) {
                    if (!$util.isObject(object.sessionEnd))
                        throw $TypeError(".tapline.v1.Frame.sessionEnd: object expected");
                    message.sessionEnd = $root.tapline.v1.SessionEnd.fromObject(object.sessionEnd, _depth + 1);
                }
                if (object.streamOpen != null) {
                    if (!$util.isObject(object.streamOpen))
                        throw $TypeError(".tapline.v1.Frame.streamOpen: object expected");
                    message.streamOpen = $root.tapline.v1.StreamOpen.fromObject(object.streamOpen, _depth + 1);
                }
                if (object.streamClose != null) {
                    if (!$util.isObject(object.streamClose))
                        throw $TypeError(".tapline.v1.Frame.streamClose: object expected");
                    message.streamClose = $root.tapline.v1.StreamClose.fromObject(object.streamClose, _depth + 1);
                }
                if (object.command != null) {
                    if (!$util.isObject(object.command))
                        throw $TypeError(".tapline.v1.Frame.command: object expected");
                    message.command = $root.tapline.v1.Command.fromObject(object.command, _depth + 1);
                }
                if (object.query != null) {
                    if (!$util.isObject(object.query))
                        throw $TypeError(".tapline.v1.Frame.query: object expected");
                    message.query = $root.tapline.v1.Query.fromObject(object.query, _depth + 1);
                }
                if (object.apiCall != null) {
                    if (!$util.isObject(object.apiCall))
                        throw $TypeError(".tapline.v1.Frame.apiCall: object expected");
                    message.apiCall = $root.tapline.v1.ApiCall.fromObject(object.apiCall, _depth + 1);
                }
                if (object.fileOperation != null) {
                    if (!$util.isObject(object.fileOperation))
                        throw $TypeError(".tapline.v1.Frame.fileOperation: object expected");
                    message.fileOperation = $root.tapline.v1.FileOperation.fromObject(object.fileOperation, _depth + 1);
                }
                if (object.annotation != null) {
                    if (!$util.isObject(object.annotation))
                        throw $TypeError(".tapline.v1.Frame.annotation: object expected");
                    message.annotation = $root.tapline.v1.Annotation.fromObject(object.annotation, _depth + 1);
                }
                return message;
            };

            /**
             * Creates a plain object from a Frame message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.Frame
             * @static
             * @param {tapline.v1.Frame} message Frame
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Frame.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.seq = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.seq = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.offsetNs = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.offsetNs = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.seq = typeof message.seq === "number" ? $BigInt(message.seq) : $util.Long.fromBits(message.seq.low >>> 0, message.seq.high >>> 0, true).toBigInt();
                    else if (typeof message.seq === "number")
                        object.seq = options.longs === $String ? $String(message.seq) : message.seq;
                    else
                        object.seq = options.longs === $String ? $util.Long.prototype.toString.call(message.seq) : options.longs === $Number ? new $util.LongBits(message.seq.low >>> 0, message.seq.high >>> 0).toNumber(true) : message.seq;
                if (message.offsetNs != null && $Object.hasOwnProperty.call(message, "offsetNs"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.offsetNs = typeof message.offsetNs === "number" ? $BigInt(message.offsetNs) : $util.Long.fromBits(message.offsetNs.low >>> 0, message.offsetNs.high >>> 0, true).toBigInt();
                    else if (typeof message.offsetNs === "number")
                        object.offsetNs = options.longs === $String ? $String(message.offsetNs) : message.offsetNs;
                    else
                        object.offsetNs = options.longs === $String ? $util.Long.prototype.toString.call(message.offsetNs) : options.longs === $Number ? new $util.LongBits(message.offsetNs.low >>> 0, message.offsetNs.high >>> 0).toNumber(true) : message.offsetNs;
                if (message.data != null && $Object.hasOwnProperty.call(message, "data")) {
                    object.data = $root.tapline.v1.Data.toObject(message.data, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "data";
                }
                if (message.resize != null && $Object.hasOwnProperty.call(message, "resize")) {
                    object.resize = $root.tapline.v1.Resize.toObject(message.resize, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "resize";
                }
                if (message.sessionStart != null && $Object.hasOwnProperty.call(message, "sessionStart")) {
                    object.sessionStart = $root.tapline.v1.SessionStart.toObject(message.sessionStart, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "sessionStart";
                }
                if (message.sessionEnd != null && $Object.hasOwnProperty.call(message, "sessionEnd")) {
                    object.sessionEnd = $root.tapline.v1.SessionEnd.toObject(message.sessionEnd, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "sessionEnd";
                }
                if (message.streamOpen != null && $Object.hasOwnProperty.call(message, "streamOpen")) {
                    object.streamOpen = $root.tapline.v1.StreamOpen.toObject(message.streamOpen, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "streamOpen";
                }
                if (message.streamClose != null && $Object.hasOwnProperty.call(message, "streamClose")) {
                    object.streamClose = $root.tapline.v1.StreamClose.toObject(message.streamClose, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "streamClose";
                }
                if (message.command != null && $Object.hasOwnProperty.call(message, "command")) {
                    object.command = $root.tapline.v1.Command.toObject(message.command, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "command";
                }
                if (message.query != null && $Object.hasOwnProperty.call(message, "query")) {
                    object.query = $root.tapline.v1.Query.toObject(message.query, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "query";
                }
                if (message.apiCall != null && $Object.hasOwnProperty.call(message, "apiCall")) {
                    object.apiCall = $root.tapline.v1.ApiCall.toObject(message.apiCall, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "apiCall";
                }
                if (message.fileOperation != null && $Object.hasOwnProperty.call(message, "fileOperation")) {
                    object.fileOperation = $root.tapline.v1.FileOperation.toObject(message.fileOperation, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "fileOperation";
                }
                if (message.annotation != null && $Object.hasOwnProperty.call(message, "annotation")) {
                    object.annotation = $root.tapline.v1.Annotation.toObject(message.annotation, options, _depth + 1);
                    if (options.oneofs)
                        object.body = "annotation";
                }
                return object;
            };

            /**
             * Converts this Frame to JSON.
             * @function toJSON
             * @memberof tapline.v1.Frame
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Frame.prototype.toJSON = function() {
                return Frame.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Frame;
        })();

        v1.User = (function() {

            /**
             * Properties of a User.
             * @typedef {Object} tapline.v1.User.$Properties
             * @property {string|null} [id] User id
             * @property {string|null} [name] User name
             * @property {string|null} [email] User email
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a User.
             * @memberof tapline.v1
             * @interface IUser
             * @augments tapline.v1.User.$Properties
             * @deprecated Use tapline.v1.User.$Properties instead.
             */

            /**
             * Shape of a User.
             * @typedef {tapline.v1.User.$Properties} tapline.v1.User.$Shape
             */

            /**
             * Constructs a new User.
             * @memberof tapline.v1
             * @classdesc Represents a User.
             * @constructor
             * @param {tapline.v1.User.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const User = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * User id.
             * @member {string} id
             * @memberof tapline.v1.User
             * @instance
             */
            User.prototype.id = "";

            /**
             * User name.
             * @member {string} name
             * @memberof tapline.v1.User
             * @instance
             */
            User.prototype.name = "";

            /**
             * User email.
             * @member {string} email
             * @memberof tapline.v1.User
             * @instance
             */
            User.prototype.email = "";

            /**
             * Encodes the specified User message. Does not implicitly {@link tapline.v1.User.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.User
             * @static
             * @param {tapline.v1.User.$Properties} message User message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            User.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.id != null && $Object.hasOwnProperty.call(message, "id") && message.id !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.id);
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.name);
                if (message.email != null && $Object.hasOwnProperty.call(message, "email") && message.email !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.email);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a User message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.User
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.User & tapline.v1.User.$Shape} User
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            User.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.User();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.id = value;
                            else
                                delete message.id;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.email = value;
                            else
                                delete message.email;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a User message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.User
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.User} User
             */
            User.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.User)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.User: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.User();
                if (object.id != null)
                    if (typeof object.id !== "string" || object.id.length)
                        message.id = $String(object.id);
                if (object.name != null)
                    if (typeof object.name !== "string" || object.name.length)
                        message.name = $String(object.name);
                if (object.email != null)
                    if (typeof object.email !== "string" || object.email.length)
                        message.email = $String(object.email);
                return message;
            };

            /**
             * Creates a plain object from a User message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.User
             * @static
             * @param {tapline.v1.User} message User
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            User.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.id = "";
                    object.name = "";
                    object.email = "";
                }
                if (message.id != null && $Object.hasOwnProperty.call(message, "id"))
                    object.id = message.id;
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.email != null && $Object.hasOwnProperty.call(message, "email"))
                    object.email = message.email;
                return object;
            };

            /**
             * Converts this User to JSON.
             * @function toJSON
             * @memberof tapline.v1.User
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            User.prototype.toJSON = function() {
                return User.toObject(this, $protobuf.util.toJSONOptions);
            };

            return User;
        })();

        v1.Approver = (function() {

            /**
             * Properties of an Approver.
             * @typedef {Object} tapline.v1.Approver.$Properties
             * @property {string|null} [id] Approver id
             * @property {string|null} [name] Approver name
             * @property {string|null} [email] Approver email
             * @property {number|null} [approvedAtUnixMs] Approver approvedAtUnixMs
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Approver.
             * @memberof tapline.v1
             * @interface IApprover
             * @augments tapline.v1.Approver.$Properties
             * @deprecated Use tapline.v1.Approver.$Properties instead.
             */

            /**
             * Shape of an Approver.
             * @typedef {tapline.v1.Approver.$Properties} tapline.v1.Approver.$Shape
             */

            /**
             * Constructs a new Approver.
             * @memberof tapline.v1
             * @classdesc Represents an Approver.
             * @constructor
             * @param {tapline.v1.Approver.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Approver = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Approver id.
             * @member {string} id
             * @memberof tapline.v1.Approver
             * @instance
             */
            Approver.prototype.id = "";

            /**
             * Approver name.
             * @member {string} name
             * @memberof tapline.v1.Approver
             * @instance
             */
            Approver.prototype.name = "";

            /**
             * Approver email.
             * @member {string} email
             * @memberof tapline.v1.Approver
             * @instance
             */
            Approver.prototype.email = "";

            /**
             * Approver approvedAtUnixMs.
             * @member {number} approvedAtUnixMs
             * @memberof tapline.v1.Approver
             * @instance
             */
            Approver.prototype.approvedAtUnixMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Encodes the specified Approver message. Does not implicitly {@link tapline.v1.Approver.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.Approver
             * @static
             * @param {tapline.v1.Approver.$Properties} message Approver message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Approver.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.id != null && $Object.hasOwnProperty.call(message, "id") && message.id !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.id);
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.name);
                if (message.email != null && $Object.hasOwnProperty.call(message, "email") && message.email !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.email);
                if (message.approvedAtUnixMs != null && $Object.hasOwnProperty.call(message, "approvedAtUnixMs") && (typeof message.approvedAtUnixMs === "object" ? message.approvedAtUnixMs.low || message.approvedAtUnixMs.high : message.approvedAtUnixMs !== 0))
                    writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.approvedAtUnixMs);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an Approver message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.Approver
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.Approver & tapline.v1.Approver.$Shape} Approver
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Approver.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.Approver();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.id = value;
                            else
                                delete message.id;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.email = value;
                            else
                                delete message.email;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.approvedAtUnixMs = value;
                            else
                                delete message.approvedAtUnixMs;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates an Approver message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.Approver
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.Approver} Approver
             */
            Approver.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.Approver)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.Approver: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.Approver();
                if (object.id != null)
                    if (typeof object.id !== "string" || object.id.length)
                        message.id = $String(object.id);
                if (object.name != null)
                    if (typeof object.name !== "string" || object.name.length)
                        message.name = $String(object.name);
                if (object.email != null)
                    if (typeof object.email !== "string" || object.email.length)
                        message.email = $String(object.email);
                if (object.approvedAtUnixMs != null)
                    if (typeof object.approvedAtUnixMs === "object" ? object.approvedAtUnixMs.low || object.approvedAtUnixMs.high : $Number(object.approvedAtUnixMs) !== 0)
                        if ($util.Long)
                            message.approvedAtUnixMs = $util.Long.fromValue(object.approvedAtUnixMs, true);
                        else if (typeof object.approvedAtUnixMs === "string")
                            message.approvedAtUnixMs = $parseInt(object.approvedAtUnixMs, 10);
                        else if (typeof object.approvedAtUnixMs === "number")
                            message.approvedAtUnixMs = object.approvedAtUnixMs;
                        else if (typeof object.approvedAtUnixMs === "object")
                            message.approvedAtUnixMs = new $util.LongBits(object.approvedAtUnixMs.low >>> 0, object.approvedAtUnixMs.high >>> 0).toNumber(true);
                return message;
            };

            /**
             * Creates a plain object from an Approver message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.Approver
             * @static
             * @param {tapline.v1.Approver} message Approver
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Approver.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.id = "";
                    object.name = "";
                    object.email = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.approvedAtUnixMs = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.approvedAtUnixMs = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (message.id != null && $Object.hasOwnProperty.call(message, "id"))
                    object.id = message.id;
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.email != null && $Object.hasOwnProperty.call(message, "email"))
                    object.email = message.email;
                if (message.approvedAtUnixMs != null && $Object.hasOwnProperty.call(message, "approvedAtUnixMs"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.approvedAtUnixMs = typeof message.approvedAtUnixMs === "number" ? $BigInt(message.approvedAtUnixMs) : $util.Long.fromBits(message.approvedAtUnixMs.low >>> 0, message.approvedAtUnixMs.high >>> 0, true).toBigInt();
                    else if (typeof message.approvedAtUnixMs === "number")
                        object.approvedAtUnixMs = options.longs === $String ? $String(message.approvedAtUnixMs) : message.approvedAtUnixMs;
                    else
                        object.approvedAtUnixMs = options.longs === $String ? $util.Long.prototype.toString.call(message.approvedAtUnixMs) : options.longs === $Number ? new $util.LongBits(message.approvedAtUnixMs.low >>> 0, message.approvedAtUnixMs.high >>> 0).toNumber(true) : message.approvedAtUnixMs;
                return object;
            };

            /**
             * Converts this Approver to JSON.
             * @function toJSON
             * @memberof tapline.v1.Approver
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Approver.prototype.toJSON = function() {
                return Approver.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Approver;
        })();

        v1.AccessFlow = (function() {

            /**
             * Properties of an AccessFlow.
             * @typedef {Object} tapline.v1.AccessFlow.$Properties
             * @property {string|null} [id] AccessFlow id
             * @property {string|null} [name] AccessFlow name
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an AccessFlow.
             * @memberof tapline.v1
             * @interface IAccessFlow
             * @augments tapline.v1.AccessFlow.$Properties
             * @deprecated Use tapline.v1.AccessFlow.$Properties instead.
             */

            /**
             * Shape of an AccessFlow.
             * @typedef {tapline.v1.AccessFlow.$Properties} tapline.v1.AccessFlow.$Shape
             */

            /**
             * Constructs a new AccessFlow.
             * @memberof tapline.v1
             * @classdesc Represents an AccessFlow.
             * @constructor
             * @param {tapline.v1.AccessFlow.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const AccessFlow = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * AccessFlow id.
             * @member {string} id
             * @memberof tapline.v1.AccessFlow
             * @instance
             */
            AccessFlow.prototype.id = "";

            /**
             * AccessFlow name.
             * @member {string} name
             * @memberof tapline.v1.AccessFlow
             * @instance
             */
            AccessFlow.prototype.name = "";

            /**
             * Encodes the specified AccessFlow message. Does not implicitly {@link tapline.v1.AccessFlow.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.AccessFlow
             * @static
             * @param {tapline.v1.AccessFlow.$Properties} message AccessFlow message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            AccessFlow.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.id != null && $Object.hasOwnProperty.call(message, "id") && message.id !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.id);
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.name);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an AccessFlow message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.AccessFlow
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.AccessFlow & tapline.v1.AccessFlow.$Shape} AccessFlow
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            AccessFlow.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.AccessFlow();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.id = value;
                            else
                                delete message.id;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates an AccessFlow message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.AccessFlow
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.AccessFlow} AccessFlow
             */
            AccessFlow.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.AccessFlow)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.AccessFlow: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.AccessFlow();
                if (object.id != null)
                    if (typeof object.id !== "string" || object.id.length)
                        message.id = $String(object.id);
                if (object.name != null)
                    if (typeof object.name !== "string" || object.name.length)
                        message.name = $String(object.name);
                return message;
            };

            /**
             * Creates a plain object from an AccessFlow message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.AccessFlow
             * @static
             * @param {tapline.v1.AccessFlow} message AccessFlow
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            AccessFlow.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.id = "";
                    object.name = "";
                }
                if (message.id != null && $Object.hasOwnProperty.call(message, "id"))
                    object.id = message.id;
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                return object;
            };

            /**
             * Converts this AccessFlow to JSON.
             * @function toJSON
             * @memberof tapline.v1.AccessFlow
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            AccessFlow.prototype.toJSON = function() {
                return AccessFlow.toObject(this, $protobuf.util.toJSONOptions);
            };

            return AccessFlow;
        })();

        v1.Resource = (function() {

            /**
             * Properties of a Resource.
             * @typedef {Object} tapline.v1.Resource.$Properties
             * @property {string|null} [id] Resource id
             * @property {string|null} [type] Resource type
             * @property {string|null} [name] Resource name
             * @property {string|null} [integration] Resource integration
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Resource.
             * @memberof tapline.v1
             * @interface IResource
             * @augments tapline.v1.Resource.$Properties
             * @deprecated Use tapline.v1.Resource.$Properties instead.
             */

            /**
             * Shape of a Resource.
             * @typedef {tapline.v1.Resource.$Properties} tapline.v1.Resource.$Shape
             */

            /**
             * Constructs a new Resource.
             * @memberof tapline.v1
             * @classdesc Represents a Resource.
             * @constructor
             * @param {tapline.v1.Resource.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Resource = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Resource id.
             * @member {string} id
             * @memberof tapline.v1.Resource
             * @instance
             */
            Resource.prototype.id = "";

            /**
             * Resource type.
             * @member {string} type
             * @memberof tapline.v1.Resource
             * @instance
             */
            Resource.prototype.type = "";

            /**
             * Resource name.
             * @member {string} name
             * @memberof tapline.v1.Resource
             * @instance
             */
            Resource.prototype.name = "";

            /**
             * Resource integration.
             * @member {string} integration
             * @memberof tapline.v1.Resource
             * @instance
             */
            Resource.prototype.integration = "";

            /**
             * Encodes the specified Resource message. Does not implicitly {@link tapline.v1.Resource.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.Resource
             * @static
             * @param {tapline.v1.Resource.$Properties} message Resource message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Resource.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.id != null && $Object.hasOwnProperty.call(message, "id") && message.id !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.id);
                if (message.type != null && $Object.hasOwnProperty.call(message, "type") && message.type !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.type);
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.name);
                if (message.integration != null && $Object.hasOwnProperty.call(message, "integration") && message.integration !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.integration);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Resource message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.Resource
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.Resource & tapline.v1.Resource.$Shape} Resource
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Resource.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.Resource();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.id = value;
                            else
                                delete message.id;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.type = value;
                            else
                                delete message.type;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.integration = value;
                            else
                                delete message.integration;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a Resource message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.Resource
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.Resource} Resource
             */
            Resource.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.Resource)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.Resource: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.Resource();
                if (object.id != null)
                    if (typeof object.id !== "string" || object.id.length)
                        message.id = $String(object.id);
                if (object.type != null)
                    if (typeof object.type !== "string" || object.type.length)
                        message.type = $String(object.type);
                if (object.name != null)
                    if (typeof object.name !== "string" || object.name.length)
                        message.name = $String(object.name);
                if (object.integration != null)
                    if (typeof object.integration !== "string" || object.integration.length)
                        message.integration = $String(object.integration);
                return message;
            };

            /**
             * Creates a plain object from a Resource message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.Resource
             * @static
             * @param {tapline.v1.Resource} message Resource
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Resource.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.id = "";
                    object.type = "";
                    object.name = "";
                    object.integration = "";
                }
                if (message.id != null && $Object.hasOwnProperty.call(message, "id"))
                    object.id = message.id;
                if (message.type != null && $Object.hasOwnProperty.call(message, "type"))
                    object.type = message.type;
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.integration != null && $Object.hasOwnProperty.call(message, "integration"))
                    object.integration = message.integration;
                return object;
            };

            /**
             * Converts this Resource to JSON.
             * @function toJSON
             * @memberof tapline.v1.Resource
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Resource.prototype.toJSON = function() {
                return Resource.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Resource;
        })();

        v1.Grant = (function() {

            /**
             * Properties of a Grant.
             * @typedef {Object} tapline.v1.Grant.$Properties
             * @property {tapline.v1.User.$Properties|null} [user] Grant user
             * @property {Array.<tapline.v1.Approver.$Properties>|null} [approvers] Grant approvers
             * @property {tapline.v1.AccessFlow.$Properties|null} [accessFlow] Grant accessFlow
             * @property {string|null} [accessRequestId] Grant accessRequestId
             * @property {string|null} [accessRequestStatus] Grant accessRequestStatus
             * @property {tapline.v1.Resource.$Properties|null} [resource] Grant resource
             * @property {Array.<string>|null} [permissions] Grant permissions
             * @property {number|null} [expiresAtUnixMs] Grant expiresAtUnixMs
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Grant.
             * @memberof tapline.v1
             * @interface IGrant
             * @augments tapline.v1.Grant.$Properties
             * @deprecated Use tapline.v1.Grant.$Properties instead.
             */

            /**
             * Shape of a Grant.
             * @typedef {tapline.v1.Grant.$Properties} tapline.v1.Grant.$Shape
             */

            /**
             * Constructs a new Grant.
             * @memberof tapline.v1
             * @classdesc Represents a Grant.
             * @constructor
             * @param {tapline.v1.Grant.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Grant = function (properties) {
                this.approvers = [];
                this.permissions = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Grant user.
             * @member {tapline.v1.User.$Properties|null|undefined} user
             * @memberof tapline.v1.Grant
             * @instance
             */
            Grant.prototype.user = null;

            /**
             * Grant approvers.
             * @member {Array.<tapline.v1.Approver.$Properties>} approvers
             * @memberof tapline.v1.Grant
             * @instance
             */
            Grant.prototype.approvers = $util.emptyArray;

            /**
             * Grant accessFlow.
             * @member {tapline.v1.AccessFlow.$Properties|null|undefined} accessFlow
             * @memberof tapline.v1.Grant
             * @instance
             */
            Grant.prototype.accessFlow = null;

            /**
             * Grant accessRequestId.
             * @member {string} accessRequestId
             * @memberof tapline.v1.Grant
             * @instance
             */
            Grant.prototype.accessRequestId = "";

            /**
             * Grant accessRequestStatus.
             * @member {string} accessRequestStatus
             * @memberof tapline.v1.Grant
             * @instance
             */
            Grant.prototype.accessRequestStatus = "";

            /**
             * Grant resource.
             * @member {tapline.v1.Resource.$Properties|null|undefined} resource
             * @memberof tapline.v1.Grant
             * @instance
             */
            Grant.prototype.resource = null;

            /**
             * Grant permissions.
             * @member {Array.<string>} permissions
             * @memberof tapline.v1.Grant
             * @instance
             */
            Grant.prototype.permissions = $util.emptyArray;

            /**
             * Grant expiresAtUnixMs.
             * @member {number} expiresAtUnixMs
             * @memberof tapline.v1.Grant
             * @instance
             */
            Grant.prototype.expiresAtUnixMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Encodes the specified Grant message. Does not implicitly {@link tapline.v1.Grant.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.Grant
             * @static
             * @param {tapline.v1.Grant.$Properties} message Grant message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Grant.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.user != null && $Object.hasOwnProperty.call(message, "user"))
                    $root.tapline.v1.User.encode(message.user, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.approvers != null && message.approvers.length)
                    for (let i = 0; i < message.approvers.length; ++i)
                        $root.tapline.v1.Approver.encode(message.approvers[i], writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
                if (message.accessFlow != null && $Object.hasOwnProperty.call(message, "accessFlow"))
                    $root.tapline.v1.AccessFlow.encode(message.accessFlow, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.accessRequestId != null && $Object.hasOwnProperty.call(message, "accessRequestId") && message.accessRequestId !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.accessRequestId);
                if (message.accessRequestStatus != null && $Object.hasOwnProperty.call(message, "accessRequestStatus") && message.accessRequestStatus !== "")
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.accessRequestStatus);
                if (message.resource != null && $Object.hasOwnProperty.call(message, "resource"))
                    $root.tapline.v1.Resource.encode(message.resource, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
                if (message.permissions != null && message.permissions.length)
                    for (let i = 0; i < message.permissions.length; ++i)
                        writer.uint32(/* id 7, wireType 2 =*/58).string(message.permissions[i]);
                if (message.expiresAtUnixMs != null && $Object.hasOwnProperty.call(message, "expiresAtUnixMs") && (typeof message.expiresAtUnixMs === "object" ? message.expiresAtUnixMs.low || message.expiresAtUnixMs.high : message.expiresAtUnixMs !== 0))
                    writer.uint32(/* id 8, wireType 0 =*/64).uint64(message.expiresAtUnixMs);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Grant message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.Grant
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.Grant & tapline.v1.Grant.$Shape} Grant
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Grant.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.Grant();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            message.user = $root.tapline.v1.User.decode(reader, reader.size(), $undefined, _depth + 1, message.user);
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if (!(message.approvers && message.approvers.length))
                                message.approvers = [];
                            message.approvers.push($root.tapline.v1.Approver.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            message.accessFlow = $root.tapline.v1.AccessFlow.decode(reader, reader.size(), $undefined, _depth + 1, message.accessFlow);
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.accessRequestId = value;
                            else
                                delete message.accessRequestId;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.accessRequestStatus = value;
                            else
                                delete message.accessRequestStatus;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            message.resource = $root.tapline.v1.Resource.decode(reader, reader.size(), $undefined, _depth + 1, message.resource);
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if (!(message.permissions && message.permissions.length))
                                message.permissions = [];
                            message.permissions.push(reader.stringVerify());
                            continue;
                        }
                    case 8: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.expiresAtUnixMs = value;
                            else
                                delete message.expiresAtUnixMs;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a Grant message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.Grant
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.Grant} Grant
             */
            Grant.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.Grant)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.Grant: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.Grant();
                if (object.user != null) {
                    if (!$util.isObject(object.user))
                        throw $TypeError(".tapline.v1.Grant.user: object expected");
                    message.user = $root.tapline.v1.User.fromObject(object.user, _depth + 1);
                }
                if (object.approvers) {
                    if (!$Array.isArray(object.approvers))
                        throw $TypeError(".tapline.v1.Grant.approvers: array expected");
                    message.approvers = $Array(object.approvers.length);
                    for (let i = 0; i < object.approvers.length; ++i) {
                        if (!$util.isObject(object.approvers[i]))
                            throw $TypeError(".tapline.v1.Grant.approvers: object expected");
                        message.approvers[i] = $root.tapline.v1.Approver.fromObject(object.approvers[i], _depth + 1);
                    }
                }
                if (object.accessFlow != null) {
                    if (!$util.isObject(object.accessFlow))
                        throw $TypeError(".tapline.v1.Grant.accessFlow: object expected");
                    message.accessFlow = $root.tapline.v1.AccessFlow.fromObject(object.accessFlow, _depth + 1);
                }
                if (object.accessRequestId != null)
                    if (typeof object.accessRequestId !== "string" || object.accessRequestId.length)
                        message.accessRequestId = $String(object.accessRequestId);
                if (object.accessRequestStatus != null)
                    if (typeof object.accessRequestStatus !== "string" || object.accessRequestStatus.length)
                        message.accessRequestStatus = $String(object.accessRequestStatus);
                if (object.resource != null) {
                    if (!$util.isObject(object.resource))
                        throw $TypeError(".tapline.v1.Grant.resource: object expected");
                    message.resource = $root.tapline.v1.Resource.fromObject(object.resource, _depth + 1);
                }
                if (object.permissions) {
                    if (!$Array.isArray(object.permissions))
                        throw $TypeError(".tapline.v1.Grant.permissions: array expected");
                    message.permissions = $Array(object.permissions.length);
                    for (let i = 0; i < object.permissions.length; ++i)
                        message.permissions[i] = $String(object.permissions[i]);
                }
                if (object.expiresAtUnixMs != null)
                    if (typeof object.expiresAtUnixMs === "object" ? object.expiresAtUnixMs.low || object.expiresAtUnixMs.high : $Number(object.expiresAtUnixMs) !== 0)
                        if ($util.Long)
                            message.expiresAtUnixMs = $util.Long.fromValue(object.expiresAtUnixMs, true);
                        else if (typeof object.expiresAtUnixMs === "string")
                            message.expiresAtUnixMs = $parseInt(object.expiresAtUnixMs, 10);
                        else if (typeof object.expiresAtUnixMs === "number")
                            message.expiresAtUnixMs = object.expiresAtUnixMs;
                        else if (typeof object.expiresAtUnixMs === "object")
                            message.expiresAtUnixMs = new $util.LongBits(object.expiresAtUnixMs.low >>> 0, object.expiresAtUnixMs.high >>> 0).toNumber(true);
                return message;
            };

            /**
             * Creates a plain object from a Grant message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.Grant
             * @static
             * @param {tapline.v1.Grant} message Grant
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Grant.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults) {
                    object.approvers = [];
                    object.permissions = [];
                }
                if (options.defaults) {
                    object.user = null;
                    object.accessFlow = null;
                    object.accessRequestId = "";
                    object.accessRequestStatus = "";
                    object.resource = null;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.expiresAtUnixMs = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.expiresAtUnixMs = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (message.user != null && $Object.hasOwnProperty.call(message, "user"))
                    object.user = $root.tapline.v1.User.toObject(message.user, options, _depth + 1);
                if (message.approvers && message.approvers.length) {
                    object.approvers = $Array(message.approvers.length);
                    for (let j = 0; j < message.approvers.length; ++j)
                        object.approvers[j] = $root.tapline.v1.Approver.toObject(message.approvers[j], options, _depth + 1);
                }
                if (message.accessFlow != null && $Object.hasOwnProperty.call(message, "accessFlow"))
                    object.accessFlow = $root.tapline.v1.AccessFlow.toObject(message.accessFlow, options, _depth + 1);
                if (message.accessRequestId != null && $Object.hasOwnProperty.call(message, "accessRequestId"))
                    object.accessRequestId = message.accessRequestId;
                if (message.accessRequestStatus != null && $Object.hasOwnProperty.call(message, "accessRequestStatus"))
                    object.accessRequestStatus = message.accessRequestStatus;
                if (message.resource != null && $Object.hasOwnProperty.call(message, "resource"))
                    object.resource = $root.tapline.v1.Resource.toObject(message.resource, options, _depth + 1);
                if (message.permissions && message.permissions.length) {
                    object.permissions = $Array(message.permissions.length);
                    for (let j = 0; j < message.permissions.length; ++j)
                        object.permissions[j] = message.permissions[j];
                }
                if (message.expiresAtUnixMs != null && $Object.hasOwnProperty.call(message, "expiresAtUnixMs"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.expiresAtUnixMs = typeof message.expiresAtUnixMs === "number" ? $BigInt(message.expiresAtUnixMs) : $util.Long.fromBits(message.expiresAtUnixMs.low >>> 0, message.expiresAtUnixMs.high >>> 0, true).toBigInt();
                    else if (typeof message.expiresAtUnixMs === "number")
                        object.expiresAtUnixMs = options.longs === $String ? $String(message.expiresAtUnixMs) : message.expiresAtUnixMs;
                    else
                        object.expiresAtUnixMs = options.longs === $String ? $util.Long.prototype.toString.call(message.expiresAtUnixMs) : options.longs === $Number ? new $util.LongBits(message.expiresAtUnixMs.low >>> 0, message.expiresAtUnixMs.high >>> 0).toNumber(true) : message.expiresAtUnixMs;
                return object;
            };

            /**
             * Converts this Grant to JSON.
             * @function toJSON
             * @memberof tapline.v1.Grant
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Grant.prototype.toJSON = function() {
                return Grant.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Grant;
        })();

        v1.SessionStart = (function() {

            /**
             * Properties of a SessionStart.
             * @typedef {Object} tapline.v1.SessionStart.$Properties
             * @property {number|null} [startedAtUnixMs] SessionStart startedAtUnixMs
             * @property {string|null} [sessionId] SessionStart sessionId
             * @property {string|null} [protocol] SessionStart protocol
             * @property {string|null} [clientAddress] SessionStart clientAddress
             * @property {string|null} [target] SessionStart target
             * @property {tapline.v1.Grant.$Properties|null} [grant] SessionStart grant
             * @property {Object.<string,string>|null} [labels] SessionStart labels
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SessionStart.
             * @memberof tapline.v1
             * @interface ISessionStart
             * @augments tapline.v1.SessionStart.$Properties
             * @deprecated Use tapline.v1.SessionStart.$Properties instead.
             */

            /**
             * Shape of a SessionStart.
             * @typedef {tapline.v1.SessionStart.$Properties} tapline.v1.SessionStart.$Shape
             */

            /**
             * Constructs a new SessionStart.
             * @memberof tapline.v1
             * @classdesc Represents a SessionStart.
             * @constructor
             * @param {tapline.v1.SessionStart.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SessionStart = function (properties) {
                this.labels = {};
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SessionStart startedAtUnixMs.
             * @member {number} startedAtUnixMs
             * @memberof tapline.v1.SessionStart
             * @instance
             */
            SessionStart.prototype.startedAtUnixMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * SessionStart sessionId.
             * @member {string} sessionId
             * @memberof tapline.v1.SessionStart
             * @instance
             */
            SessionStart.prototype.sessionId = "";

            /**
             * SessionStart protocol.
             * @member {string} protocol
             * @memberof tapline.v1.SessionStart
             * @instance
             */
            SessionStart.prototype.protocol = "";

            /**
             * SessionStart clientAddress.
             * @member {string} clientAddress
             * @memberof tapline.v1.SessionStart
             * @instance
             */
            SessionStart.prototype.clientAddress = "";

            /**
             * SessionStart target.
             * @member {string} target
             * @memberof tapline.v1.SessionStart
             * @instance
             */
            SessionStart.prototype.target = "";

            /**
             * SessionStart grant.
             * @member {tapline.v1.Grant.$Properties|null|undefined} grant
             * @memberof tapline.v1.SessionStart
             * @instance
             */
            SessionStart.prototype.grant = null;

            /**
             * SessionStart labels.
             * @member {Object.<string,string>} labels
             * @memberof tapline.v1.SessionStart
             * @instance
             */
            SessionStart.prototype.labels = $util.emptyObject;

            /**
             * Encodes the specified SessionStart message. Does not implicitly {@link tapline.v1.SessionStart.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.SessionStart
             * @static
             * @param {tapline.v1.SessionStart.$Properties} message SessionStart message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SessionStart.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.startedAtUnixMs != null && $Object.hasOwnProperty.call(message, "startedAtUnixMs") && (typeof message.startedAtUnixMs === "object" ? message.startedAtUnixMs.low || message.startedAtUnixMs.high : message.startedAtUnixMs !== 0))
                    writer.uint32(/* id 1, wireType 0 =*/8).uint64(message.startedAtUnixMs);
                if (message.sessionId != null && $Object.hasOwnProperty.call(message, "sessionId") && message.sessionId !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.sessionId);
                if (message.protocol != null && $Object.hasOwnProperty.call(message, "protocol") && message.protocol !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.protocol);
                if (message.clientAddress != null && $Object.hasOwnProperty.call(message, "clientAddress") && message.clientAddress !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.clientAddress);
                if (message.target != null && $Object.hasOwnProperty.call(message, "target") && message.target !== "")
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.target);
                if (message.grant != null && $Object.hasOwnProperty.call(message, "grant"))
                    $root.tapline.v1.Grant.encode(message.grant, writer.uint32(/* id 6, wireType 2 =*/50).fork(), _depth + 1).ldelim();
                if (message.labels != null && $Object.hasOwnProperty.call(message, "labels"))
                    for (let keys = $Object.keys(message.labels), i = 0; i < keys.length; ++i)
                        writer.uint32(/* id 7, wireType 2 =*/58).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.labels[keys[i]]).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SessionStart message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.SessionStart
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.SessionStart & tapline.v1.SessionStart.$Shape} SessionStart
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SessionStart.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, key, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.SessionStart();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.startedAtUnixMs = value;
                            else
                                delete message.startedAtUnixMs;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.sessionId = value;
                            else
                                delete message.sessionId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.protocol = value;
                            else
                                delete message.protocol;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.clientAddress = value;
                            else
                                delete message.clientAddress;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.target = value;
                            else
                                delete message.target;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            message.grant = $root.tapline.v1.Grant.decode(reader, reader.size(), $undefined, _depth + 1, message.grant);
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if (message.labels === $util.emptyObject)
                                message.labels = {};
                            let end2 = reader.size() + reader.pos;
                            if (end2 > reader.len)
                                throw $RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = "";
                            while (reader.pos < end2) {
                                let tag2 = reader.tag();
                                wireType = tag2 & 7;
                                switch (tag2 >>>= 3) {
                                case 1:
                                    if (wireType !== 2)
                                        break;
                                    key = reader.stringVerify();
                                    continue;
                                case 2:
                                    if (wireType !== 2)
                                        break;
                                    value = reader.stringVerify();
                                    continue;
                                }
                                reader.skipType(wireType, _depth, tag2);
                            }
                            if (reader.pos !== end2)
                                throw $RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.labels, key);
                            message.labels[key] = value;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a SessionStart message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.SessionStart
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.SessionStart} SessionStart
             */
            SessionStart.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.SessionStart)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.SessionStart: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.SessionStart();
                if (object.startedAtUnixMs != null)
                    if (typeof object.startedAtUnixMs === "object" ? object.startedAtUnixMs.low || object.startedAtUnixMs.high : $Number(object.startedAtUnixMs) !== 0)
                        if ($util.Long)
                            message.startedAtUnixMs = $util.Long.fromValue(object.startedAtUnixMs, true);
                        else if (typeof object.startedAtUnixMs === "string")
                            message.startedAtUnixMs = $parseInt(object.startedAtUnixMs, 10);
                        else if (typeof object.startedAtUnixMs === "number")
                            message.startedAtUnixMs = object.startedAtUnixMs;
                        else if (typeof object.startedAtUnixMs === "object")
                            message.startedAtUnixMs = new $util.LongBits(object.startedAtUnixMs.low >>> 0, object.startedAtUnixMs.high >>> 0).toNumber(true);
                if (object.sessionId != null)
                    if (typeof object.sessionId !== "string" || object.sessionId.length)
                        message.sessionId = $String(object.sessionId);
                if (object.protocol != null)
                    if (typeof object.protocol !== "string" || object.protocol.length)
                        message.protocol = $String(object.protocol);
                if (object.clientAddress != null)
                    if (typeof object.clientAddress !== "string" || object.clientAddress.length)
                        message.clientAddress = $String(object.clientAddress);
                if (object.target != null)
                    if (typeof object.target !== "string" || object.target.length)
                        message.target = $String(object.target);
                if (object.grant != null) {
                    if (!$util.isObject(object.grant))
                        throw $TypeError(".tapline.v1.SessionStart.grant: object expected");
                    message.grant = $root.tapline.v1.Grant.fromObject(object.grant, _depth + 1);
                }
                if (object.labels) {
                    if (!$util.isObject(object.labels))
                        throw $TypeError(".tapline.v1.SessionStart.labels: object expected");
                    message.labels = {};
                    for (let keys = $Object.keys(object.labels), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.labels, keys[i]);
                        message.labels[keys[i]] = $String(object.labels[keys[i]]);
                    }
                }
                return message;
            };

            /**
             * Creates a plain object from a SessionStart message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.SessionStart
             * @static
             * @param {tapline.v1.SessionStart} message SessionStart
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            SessionStart.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.objects || options.defaults)
                    object.labels = {};
                if (options.defaults) {
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.startedAtUnixMs = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.startedAtUnixMs = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.sessionId = "";
                    object.protocol = "";
                    object.clientAddress = "";
                    object.target = "";
                    object.grant = null;
                }
                if (message.startedAtUnixMs != null && $Object.hasOwnProperty.call(message, "startedAtUnixMs"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.startedAtUnixMs = typeof message.startedAtUnixMs === "number" ? $BigInt(message.startedAtUnixMs) : $util.Long.fromBits(message.startedAtUnixMs.low >>> 0, message.startedAtUnixMs.high >>> 0, true).toBigInt();
                    else if (typeof message.startedAtUnixMs === "number")
                        object.startedAtUnixMs = options.longs === $String ? $String(message.startedAtUnixMs) : message.startedAtUnixMs;
                    else
                        object.startedAtUnixMs = options.longs === $String ? $util.Long.prototype.toString.call(message.startedAtUnixMs) : options.longs === $Number ? new $util.LongBits(message.startedAtUnixMs.low >>> 0, message.startedAtUnixMs.high >>> 0).toNumber(true) : message.startedAtUnixMs;
                if (message.sessionId != null && $Object.hasOwnProperty.call(message, "sessionId"))
                    object.sessionId = message.sessionId;
                if (message.protocol != null && $Object.hasOwnProperty.call(message, "protocol"))
                    object.protocol = message.protocol;
                if (message.clientAddress != null && $Object.hasOwnProperty.call(message, "clientAddress"))
                    object.clientAddress = message.clientAddress;
                if (message.target != null && $Object.hasOwnProperty.call(message, "target"))
                    object.target = message.target;
                if (message.grant != null && $Object.hasOwnProperty.call(message, "grant"))
                    object.grant = $root.tapline.v1.Grant.toObject(message.grant, options, _depth + 1);
                let keys2;
                if (message.labels && (keys2 = $Object.keys(message.labels)).length) {
                    object.labels = {};
                    for (let j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.labels, keys2[j]);
                        object.labels[keys2[j]] = message.labels[keys2[j]];
                    }
                }
                return object;
            };

            /**
             * Converts this SessionStart to JSON.
             * @function toJSON
             * @memberof tapline.v1.SessionStart
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            SessionStart.prototype.toJSON = function() {
                return SessionStart.toObject(this, $protobuf.util.toJSONOptions);
            };

            return SessionStart;
        })();

        /**
         * EndReason enum.
         * @name tapline.v1.EndReason
         * @enum {number}
         * @property {number} END_REASON_UNSPECIFIED=0 END_REASON_UNSPECIFIED value
         * @property {number} END_REASON_CLIENT_CLOSED=1 END_REASON_CLIENT_CLOSED value
         * @property {number} END_REASON_TARGET_CLOSED=2 END_REASON_TARGET_CLOSED value
         * @property {number} END_REASON_GRANT_EXPIRED=3 END_REASON_GRANT_EXPIRED value
         * @property {number} END_REASON_REVOKED=4 END_REASON_REVOKED value
         * @property {number} END_REASON_ERROR=5 END_REASON_ERROR value
         * @property {number} END_REASON_SHUTDOWN=6 END_REASON_SHUTDOWN value
         * @property {number} END_REASON_QUOTA_EXCEEDED=7 END_REASON_QUOTA_EXCEEDED value
         * @property {number} END_REASON_RECORDING_FAILED=8 END_REASON_RECORDING_FAILED value
         */
        v1.EndReason = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "END_REASON_UNSPECIFIED"] = 0;
            values[valuesById[1] = "END_REASON_CLIENT_CLOSED"] = 1;
            values[valuesById[2] = "END_REASON_TARGET_CLOSED"] = 2;
            values[valuesById[3] = "END_REASON_GRANT_EXPIRED"] = 3;
            values[valuesById[4] = "END_REASON_REVOKED"] = 4;
            values[valuesById[5] = "END_REASON_ERROR"] = 5;
            values[valuesById[6] = "END_REASON_SHUTDOWN"] = 6;
            values[valuesById[7] = "END_REASON_QUOTA_EXCEEDED"] = 7;
            values[valuesById[8] = "END_REASON_RECORDING_FAILED"] = 8;
            return values;
        })();

        v1.SessionEnd = (function() {

            /**
             * Properties of a SessionEnd.
             * @typedef {Object} tapline.v1.SessionEnd.$Properties
             * @property {tapline.v1.EndReason|null} [reason] SessionEnd reason
             * @property {string|null} [detail] SessionEnd detail
             * @property {string|null} [errorCode] SessionEnd errorCode
             * @property {number|null} [frames] SessionEnd frames
             * @property {number|null} [bytesClientToTarget] SessionEnd bytesClientToTarget
             * @property {number|null} [bytesTargetToClient] SessionEnd bytesTargetToClient
             * @property {number|null} [commands] SessionEnd commands
             * @property {number|null} [queries] SessionEnd queries
             * @property {number|null} [apiCalls] SessionEnd apiCalls
             * @property {number|null} [fileOperations] SessionEnd fileOperations
             * @property {number|null} [streams] SessionEnd streams
             * @property {number|null} [bytesNotRecorded] SessionEnd bytesNotRecorded
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SessionEnd.
             * @memberof tapline.v1
             * @interface ISessionEnd
             * @augments tapline.v1.SessionEnd.$Properties
             * @deprecated Use tapline.v1.SessionEnd.$Properties instead.
             */

            /**
             * Shape of a SessionEnd.
             * @typedef {tapline.v1.SessionEnd.$Properties} tapline.v1.SessionEnd.$Shape
             */

            /**
             * Constructs a new SessionEnd.
             * @memberof tapline.v1
             * @classdesc Represents a SessionEnd.
             * @constructor
             * @param {tapline.v1.SessionEnd.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SessionEnd = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SessionEnd reason.
             * @member {tapline.v1.EndReason} reason
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.reason = 0;

            /**
             * SessionEnd detail.
             * @member {string} detail
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.detail = "";

            /**
             * SessionEnd errorCode.
             * @member {string} errorCode
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.errorCode = "";

            /**
             * SessionEnd frames.
             * @member {number} frames
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.frames = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * SessionEnd bytesClientToTarget.
             * @member {number} bytesClientToTarget
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.bytesClientToTarget = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * SessionEnd bytesTargetToClient.
             * @member {number} bytesTargetToClient
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.bytesTargetToClient = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * SessionEnd commands.
             * @member {number} commands
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.commands = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * SessionEnd queries.
             * @member {number} queries
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.queries = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * SessionEnd apiCalls.
             * @member {number} apiCalls
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.apiCalls = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * SessionEnd fileOperations.
             * @member {number} fileOperations
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.fileOperations = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * SessionEnd streams.
             * @member {number} streams
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.streams = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * SessionEnd bytesNotRecorded.
             * @member {number} bytesNotRecorded
             * @memberof tapline.v1.SessionEnd
             * @instance
             */
            SessionEnd.prototype.bytesNotRecorded = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Encodes the specified SessionEnd message. Does not implicitly {@link tapline.v1.SessionEnd.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.SessionEnd
             * @static
             * @param {tapline.v1.SessionEnd.$Properties} message SessionEnd message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SessionEnd.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).int32(message.reason);
                if (message.detail != null && $Object.hasOwnProperty.call(message, "detail") && message.detail !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.detail);
                if (message.errorCode != null && $Object.hasOwnProperty.call(message, "errorCode") && message.errorCode !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.errorCode);
                if (message.frames != null && $Object.hasOwnProperty.call(message, "frames") && (typeof message.frames === "object" ? message.frames.low || message.frames.high : message.frames !== 0))
                    writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.frames);
                if (message.bytesClientToTarget != null && $Object.hasOwnProperty.call(message, "bytesClientToTarget") && (typeof message.bytesClientToTarget === "object" ? message.bytesClientToTarget.low || message.bytesClientToTarget.high : message.bytesClientToTarget !== 0))
                    writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.bytesClientToTarget);
                if (message.bytesTargetToClient != null && $Object.hasOwnProperty.call(message, "bytesTargetToClient") && (typeof message.bytesTargetToClient === "object" ? message.bytesTargetToClient.low || message.bytesTargetToClient.high : message.bytesTargetToClient !== 0))
                    writer.uint32(/* id 6, wireType 0 =*/48).uint64(message.bytesTargetToClient);
                if (message.commands != null && $Object.hasOwnProperty.call(message, "commands") && (typeof message.commands === "object" ? message.commands.low || message.commands.high : message.commands !== 0))
                    writer.uint32(/* id 7, wireType 0 =*/56).uint64(message.commands);
                if (message.queries != null && $Object.hasOwnProperty.call(message, "queries") && (typeof message.queries === "object" ? message.queries.low || message.queries.high : message.queries !== 0))
                    writer.uint32(/* id 8, wireType 0 =*/64).uint64(message.queries);
                if (message.apiCalls != null && $Object.hasOwnProperty.call(message, "apiCalls") && (typeof message.apiCalls === "object" ? message.apiCalls.low || message.apiCalls.high : message.apiCalls !== 0))
                    writer.uint32(/* id 9, wireType 0 =*/72).uint64(message.apiCalls);
                if (message.fileOperations != null && $Object.hasOwnProperty.call(message, "fileOperations") && (typeof message.fileOperations === "object" ? message.fileOperations.low || message.fileOperations.high : message.fileOperations !== 0))
                    writer.uint32(/* id 10, wireType 0 =*/80).uint64(message.fileOperations);
                if (message.streams != null && $Object.hasOwnProperty.call(message, "streams") && (typeof message.streams === "object" ? message.streams.low || message.streams.high : message.streams !== 0))
                    writer.uint32(/* id 11, wireType 0 =*/88).uint64(message.streams);
                if (message.bytesNotRecorded != null && $Object.hasOwnProperty.call(message, "bytesNotRecorded") && (typeof message.bytesNotRecorded === "object" ? message.bytesNotRecorded.low || message.bytesNotRecorded.high : message.bytesNotRecorded !== 0))
                    writer.uint32(/* id 12, wireType 0 =*/96).uint64(message.bytesNotRecorded);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SessionEnd message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.SessionEnd
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.SessionEnd & tapline.v1.SessionEnd.$Shape} SessionEnd
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SessionEnd.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.SessionEnd();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.reason = value;
                            else
                                delete message.reason;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.detail = value;
                            else
                                delete message.detail;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.errorCode = value;
                            else
                                delete message.errorCode;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.frames = value;
                            else
                                delete message.frames;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bytesClientToTarget = value;
                            else
                                delete message.bytesClientToTarget;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bytesTargetToClient = value;
                            else
                                delete message.bytesTargetToClient;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.commands = value;
                            else
                                delete message.commands;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.queries = value;
                            else
                                delete message.queries;
                            continue;
                        }
                    case 9: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.apiCalls = value;
                            else
                                delete message.apiCalls;
                            continue;
                        }
                    case 10: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.fileOperations = value;
                            else
                                delete message.fileOperations;
                            continue;
                        }
                    case 11: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.streams = value;
                            else
                                delete message.streams;
                            continue;
                        }
                    case 12: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bytesNotRecorded = value;
                            else
                                delete message.bytesNotRecorded;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a SessionEnd message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.SessionEnd
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.SessionEnd} SessionEnd
             */
            SessionEnd.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.SessionEnd)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.SessionEnd: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.SessionEnd();
                if (object.reason !== 0 && (typeof object.reason !== "string" || $root.tapline.v1.EndReason[object.reason] !== 0))
                    switch (object.reason) {
                    case "END_REASON_UNSPECIFIED":
                    case 0:
                        message.reason = 0;
                        break;
                    case "END_REASON_CLIENT_CLOSED":
                    case 1:
                        message.reason = 1;
                        break;
                    case "END_REASON_TARGET_CLOSED":
                    case 2:
                        message.reason = 2;
                        break;
                    case "END_REASON_GRANT_EXPIRED":
                    case 3:
                        message.reason = 3;
                        break;
                    case "END_REASON_REVOKED":
                    case 4:
                        message.reason = 4;
                        break;
                    case "END_REASON_ERROR":
                    case 5:
                        message.reason = 5;
                        break;
                    case "END_REASON_SHUTDOWN":
                    case 6:
                        message.reason = 6;
                        break;
                    case "END_REASON_QUOTA_EXCEEDED":
                    case 7:
                        message.reason = 7;
                        break;
                    case "END_REASON_RECORDING_FAILED":
                    case 8:
                        message.reason = 8;
                        break;
                    default:
                        if (typeof object.reason === "number" && (object.reason | 0) === object.reason)
                            message.reason = object.reason;
                    }
                if (object.detail != null)
                    if (typeof object.detail !== "string" || object.detail.length)
                        message.detail = $String(object.detail);
                if (object.errorCode != null)
                    if (typeof object.errorCode !== "string" || object.errorCode.length)
                        message.errorCode = $String(object.errorCode);
                if (object.frames != null)
                    if (typeof object.frames === "object" ? object.frames.low || object.frames.high : $Number(object.frames) !== 0)
                        if ($util.Long)
                            message.frames = $util.Long.fromValue(object.frames, true);
                        else if (typeof object.frames === "string")
                            message.frames = $parseInt(object.frames, 10);
                        else if (typeof object.frames === "number")
                            message.frames = object.frames;
                        else if (typeof object.frames === "object")
                            message.frames = new $util.LongBits(object.frames.low >>> 0, object.frames.high >>> 0).toNumber(true);
                if (object.bytesClientToTarget != null)
                    if (typeof object.bytesClientToTarget === "object" ? object.bytesClientToTarget.low || object.bytesClientToTarget.high : $Number(object.bytesClientToTarget) !== 0)
                        if ($util.Long)
                            message.bytesClientToTarget = $util.Long.fromValue(object.bytesClientToTarget, true);
                        else if (typeof object.bytesClientToTarget === "string")
                            message.bytesClientToTarget = $parseInt(object.bytesClientToTarget, 10);
                        else if (typeof object.bytesClientToTarget === "number")
                            message.bytesClientToTarget = object.bytesClientToTarget;
                        else if (typeof object.bytesClientToTarget === "object")
                            message.bytesClientToTarget = new $util.LongBits(object.bytesClientToTarget.low >>> 0, object.bytesClientToTarget.high >>> 0).toNumber(true);
                if (object.bytesTargetToClient != null)
                    if (typeof object.bytesTargetToClient === "object" ? object.bytesTargetToClient.low || object.bytesTargetToClient.high : $Number(object.bytesTargetToClient) !== 0)
                        if ($util.Long)
                            message.bytesTargetToClient = $util.Long.fromValue(object.bytesTargetToClient, true);
                        else if (typeof object.bytesTargetToClient === "string")
                            message.bytesTargetToClient = $parseInt(object.bytesTargetToClient, 10);
                        else if (typeof object.bytesTargetToClient === "number")
                            message.bytesTargetToClient = object.bytesTargetToClient;
                        else if (typeof object.bytesTargetToClient === "object")
                            message.bytesTargetToClient = new $util.LongBits(object.bytesTargetToClient.low >>> 0, object.bytesTargetToClient.high >>> 0).toNumber(true);
                if (object.commands != null)
                    if (typeof object.commands === "object" ? object.commands.low || object.commands.high : $Number(object.commands) !== 0)
                        if ($util.Long)
                            message.commands = $util.Long.fromValue(object.commands, true);
                        else if (typeof object.commands === "string")
                            message.commands = $parseInt(object.commands, 10);
                        else if (typeof object.commands === "number")
                            message.commands = object.commands;
                        else if (typeof object.commands === "object")
                            message.commands = new $util.LongBits(object.commands.low >>> 0, object.commands.high >>> 0).toNumber(true);
                if (object.queries != null)
                    if (typeof object.queries === "object" ? object.queries.low || object.queries.high : $Number(object.queries) !== 0)
                        if ($util.Long)
                            message.queries = $util.Long.fromValue(object.queries, true);
                        else if (typeof object.queries === "string")
                            message.queries = $parseInt(object.queries, 10);
                        else if (typeof object.queries === "number")
                            message.queries = object.queries;
                        else if (typeof object.queries === "object")
                            message.queries = new $util.LongBits(object.queries.low >>> 0, object.queries.high >>> 0).toNumber(true);
                if (object.apiCalls != null)
                    if (typeof object.apiCalls === "object" ? object.apiCalls.low || object.apiCalls.high : $Number(object.apiCalls) !== 0)
                        if ($util.Long)
                            message.apiCalls = $util.Long.fromValue(object.apiCalls, true);
                        else if (typeof object.apiCalls === "string")
                            message.apiCalls = $parseInt(object.apiCalls, 10);
                        else if (typeof object.apiCalls === "number")
                            message.apiCalls = object.apiCalls;
                        else if (typeof object.apiCalls === "object")
                            message.apiCalls = new $util.LongBits(object.apiCalls.low >>> 0, object.apiCalls.high >>> 0).toNumber(true);
                if (object.fileOperations != null)
                    if (typeof object.fileOperations === "object" ? object.fileOperations.low || object.fileOperations.high : $Number(object.fileOperations) !== 0)
                        if ($util.Long)
                            message.fileOperations = $util.Long.fromValue(object.fileOperations, true);
                        else if (typeof object.fileOperations === "string")
                            message.fileOperations = $parseInt(object.fileOperations, 10);
                        else if (typeof object.fileOperations === "number")
                            message.fileOperations = object.fileOperations;
                        else if (typeof object.fileOperations === "object")
                            message.fileOperations = new $util.LongBits(object.fileOperations.low >>> 0, object.fileOperations.high >>> 0).toNumber(true);
                if (object.streams != null)
                    if (typeof object.streams === "object" ? object.streams.low || object.streams.high : $Number(object.streams) !== 0)
                        if ($util.Long)
                            message.streams = $util.Long.fromValue(object.streams, true);
                        else if (typeof object.streams === "string")
                            message.streams = $parseInt(object.streams, 10);
                        else if (typeof object.streams === "number")
                            message.streams = object.streams;
                        else if (typeof object.streams === "object")
                            message.streams = new $util.LongBits(object.streams.low >>> 0, object.streams.high >>> 0).toNumber(true);
                if (object.bytesNotRecorded != null)
                    if (typeof object.bytesNotRecorded === "object" ? object.bytesNotRecorded.low || object.bytesNotRecorded.high : $Number(object.bytesNotRecorded) !== 0)
                        if ($util.Long)
                            message.bytesNotRecorded = $util.Long.fromValue(object.bytesNotRecorded, true);
                        else if (typeof object.bytesNotRecorded === "string")
                            message.bytesNotRecorded = $parseInt(object.bytesNotRecorded, 10);
                        else if (typeof object.bytesNotRecorded === "number")
                            message.bytesNotRecorded = object.bytesNotRecorded;
                        else if (typeof object.bytesNotRecorded === "object")
                            message.bytesNotRecorded = new $util.LongBits(object.bytesNotRecorded.low >>> 0, object.bytesNotRecorded.high >>> 0).toNumber(true);
                return message;
            };

            /**
             * Creates a plain object from a SessionEnd message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.SessionEnd
             * @static
             * @param {tapline.v1.SessionEnd} message SessionEnd
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            SessionEnd.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.reason = options.enums === $String ? "END_REASON_UNSPECIFIED" : 0;
                    object.detail = "";
                    object.errorCode = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.frames = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.frames = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bytesClientToTarget = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bytesClientToTarget = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bytesTargetToClient = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bytesTargetToClient = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.commands = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.commands = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.queries = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.queries = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.apiCalls = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.apiCalls = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.fileOperations = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.fileOperations = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.streams = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.streams = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bytesNotRecorded = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bytesNotRecorded = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (message.reason != null && $Object.hasOwnProperty.call(message, "reason"))
                    object.reason = options.enums === $String ? $root.tapline.v1.EndReason[message.reason] === $undefined ? message.reason : $root.tapline.v1.EndReason[message.reason] : message.reason;
                if (message.detail != null && $Object.hasOwnProperty.call(message, "detail"))
                    object.detail = message.detail;
                if (message.errorCode != null && $Object.hasOwnProperty.call(message, "errorCode"))
                    object.errorCode = message.errorCode;
                if (message.frames != null && $Object.hasOwnProperty.call(message, "frames"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.frames = typeof message.frames === "number" ? $BigInt(message.frames) : $util.Long.fromBits(message.frames.low >>> 0, message.frames.high >>> 0, true).toBigInt();
                    else if (typeof message.frames === "number")
                        object.frames = options.longs === $String ? $String(message.frames) : message.frames;
                    else
                        object.frames = options.longs === $String ? $util.Long.prototype.toString.call(message.frames) : options.longs === $Number ? new $util.LongBits(message.frames.low >>> 0, message.frames.high >>> 0).toNumber(true) : message.frames;
                if (message.bytesClientToTarget != null && $Object.hasOwnProperty.call(message, "bytesClientToTarget"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bytesClientToTarget = typeof message.bytesClientToTarget === "number" ? $BigInt(message.bytesClientToTarget) : $util.Long.fromBits(message.bytesClientToTarget.low >>> 0, message.bytesClientToTarget.high >>> 0, true).toBigInt();
                    else if (typeof message.bytesClientToTarget === "number")
                        object.bytesClientToTarget = options.longs === $String ? $String(message.bytesClientToTarget) : message.bytesClientToTarget;
                    else
                        object.bytesClientToTarget = options.longs === $String ? $util.Long.prototype.toString.call(message.bytesClientToTarget) : options.longs === $Number ? new $util.LongBits(message.bytesClientToTarget.low >>> 0, message.bytesClientToTarget.high >>> 0).toNumber(true) : message.bytesClientToTarget;
                if (message.bytesTargetToClient != null && $Object.hasOwnProperty.call(message, "bytesTargetToClient"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bytesTargetToClient = typeof message.bytesTargetToClient === "number" ? $BigInt(message.bytesTargetToClient) : $util.Long.fromBits(message.bytesTargetToClient.low >>> 0, message.bytesTargetToClient.high >>> 0, true).toBigInt();
                    else if (typeof message.bytesTargetToClient === "number")
                        object.bytesTargetToClient = options.longs === $String ? $String(message.bytesTargetToClient) : message.bytesTargetToClient;
                    else
                        object.bytesTargetToClient = options.longs === $String ? $util.Long.prototype.toString.call(message.bytesTargetToClient) : options.longs === $Number ? new $util.LongBits(message.bytesTargetToClient.low >>> 0, message.bytesTargetToClient.high >>> 0).toNumber(true) : message.bytesTargetToClient;
                if (message.commands != null && $Object.hasOwnProperty.call(message, "commands"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.commands = typeof message.commands === "number" ? $BigInt(message.commands) : $util.Long.fromBits(message.commands.low >>> 0, message.commands.high >>> 0, true).toBigInt();
                    else if (typeof message.commands === "number")
                        object.commands = options.longs === $String ? $String(message.commands) : message.commands;
                    else
                        object.commands = options.longs === $String ? $util.Long.prototype.toString.call(message.commands) : options.longs === $Number ? new $util.LongBits(message.commands.low >>> 0, message.commands.high >>> 0).toNumber(true) : message.commands;
                if (message.queries != null && $Object.hasOwnProperty.call(message, "queries"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.queries = typeof message.queries === "number" ? $BigInt(message.queries) : $util.Long.fromBits(message.queries.low >>> 0, message.queries.high >>> 0, true).toBigInt();
                    else if (typeof message.queries === "number")
                        object.queries = options.longs === $String ? $String(message.queries) : message.queries;
                    else
                        object.queries = options.longs === $String ? $util.Long.prototype.toString.call(message.queries) : options.longs === $Number ? new $util.LongBits(message.queries.low >>> 0, message.queries.high >>> 0).toNumber(true) : message.queries;
                if (message.apiCalls != null && $Object.hasOwnProperty.call(message, "apiCalls"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.apiCalls = typeof message.apiCalls === "number" ? $BigInt(message.apiCalls) : $util.Long.fromBits(message.apiCalls.low >>> 0, message.apiCalls.high >>> 0, true).toBigInt();
                    else if (typeof message.apiCalls === "number")
                        object.apiCalls = options.longs === $String ? $String(message.apiCalls) : message.apiCalls;
                    else
                        object.apiCalls = options.longs === $String ? $util.Long.prototype.toString.call(message.apiCalls) : options.longs === $Number ? new $util.LongBits(message.apiCalls.low >>> 0, message.apiCalls.high >>> 0).toNumber(true) : message.apiCalls;
                if (message.fileOperations != null && $Object.hasOwnProperty.call(message, "fileOperations"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.fileOperations = typeof message.fileOperations === "number" ? $BigInt(message.fileOperations) : $util.Long.fromBits(message.fileOperations.low >>> 0, message.fileOperations.high >>> 0, true).toBigInt();
                    else if (typeof message.fileOperations === "number")
                        object.fileOperations = options.longs === $String ? $String(message.fileOperations) : message.fileOperations;
                    else
                        object.fileOperations = options.longs === $String ? $util.Long.prototype.toString.call(message.fileOperations) : options.longs === $Number ? new $util.LongBits(message.fileOperations.low >>> 0, message.fileOperations.high >>> 0).toNumber(true) : message.fileOperations;
                if (message.streams != null && $Object.hasOwnProperty.call(message, "streams"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.streams = typeof message.streams === "number" ? $BigInt(message.streams) : $util.Long.fromBits(message.streams.low >>> 0, message.streams.high >>> 0, true).toBigInt();
                    else if (typeof message.streams === "number")
                        object.streams = options.longs === $String ? $String(message.streams) : message.streams;
                    else
                        object.streams = options.longs === $String ? $util.Long.prototype.toString.call(message.streams) : options.longs === $Number ? new $util.LongBits(message.streams.low >>> 0, message.streams.high >>> 0).toNumber(true) : message.streams;
                if (message.bytesNotRecorded != null && $Object.hasOwnProperty.call(message, "bytesNotRecorded"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bytesNotRecorded = typeof message.bytesNotRecorded === "number" ? $BigInt(message.bytesNotRecorded) : $util.Long.fromBits(message.bytesNotRecorded.low >>> 0, message.bytesNotRecorded.high >>> 0, true).toBigInt();
                    else if (typeof message.bytesNotRecorded === "number")
                        object.bytesNotRecorded = options.longs === $String ? $String(message.bytesNotRecorded) : message.bytesNotRecorded;
                    else
                        object.bytesNotRecorded = options.longs === $String ? $util.Long.prototype.toString.call(message.bytesNotRecorded) : options.longs === $Number ? new $util.LongBits(message.bytesNotRecorded.low >>> 0, message.bytesNotRecorded.high >>> 0).toNumber(true) : message.bytesNotRecorded;
                return object;
            };

            /**
             * Converts this SessionEnd to JSON.
             * @function toJSON
             * @memberof tapline.v1.SessionEnd
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            SessionEnd.prototype.toJSON = function() {
                return SessionEnd.toObject(this, $protobuf.util.toJSONOptions);
            };

            return SessionEnd;
        })();

        /**
         * StreamKind enum.
         * @name tapline.v1.StreamKind
         * @enum {number}
         * @property {number} STREAM_KIND_UNSPECIFIED=0 STREAM_KIND_UNSPECIFIED value
         * @property {number} STREAM_KIND_SSH_SHELL=1 STREAM_KIND_SSH_SHELL value
         * @property {number} STREAM_KIND_SSH_EXEC=2 STREAM_KIND_SSH_EXEC value
         * @property {number} STREAM_KIND_SSH_SFTP=3 STREAM_KIND_SSH_SFTP value
         * @property {number} STREAM_KIND_SSH_FORWARD=4 STREAM_KIND_SSH_FORWARD value
         * @property {number} STREAM_KIND_SSH_SUBSYSTEM=5 STREAM_KIND_SSH_SUBSYSTEM value
         * @property {number} STREAM_KIND_KUBE_EXEC=16 STREAM_KIND_KUBE_EXEC value
         * @property {number} STREAM_KIND_KUBE_ATTACH=17 STREAM_KIND_KUBE_ATTACH value
         * @property {number} STREAM_KIND_KUBE_PORT_FORWARD=18 STREAM_KIND_KUBE_PORT_FORWARD value
         * @property {number} STREAM_KIND_KUBE_API=19 STREAM_KIND_KUBE_API value
         * @property {number} STREAM_KIND_DB_CONNECTION=32 STREAM_KIND_DB_CONNECTION value
         */
        v1.StreamKind = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "STREAM_KIND_UNSPECIFIED"] = 0;
            values[valuesById[1] = "STREAM_KIND_SSH_SHELL"] = 1;
            values[valuesById[2] = "STREAM_KIND_SSH_EXEC"] = 2;
            values[valuesById[3] = "STREAM_KIND_SSH_SFTP"] = 3;
            values[valuesById[4] = "STREAM_KIND_SSH_FORWARD"] = 4;
            values[valuesById[5] = "STREAM_KIND_SSH_SUBSYSTEM"] = 5;
            values[valuesById[16] = "STREAM_KIND_KUBE_EXEC"] = 16;
            values[valuesById[17] = "STREAM_KIND_KUBE_ATTACH"] = 17;
            values[valuesById[18] = "STREAM_KIND_KUBE_PORT_FORWARD"] = 18;
            values[valuesById[19] = "STREAM_KIND_KUBE_API"] = 19;
            values[valuesById[32] = "STREAM_KIND_DB_CONNECTION"] = 32;
            return values;
        })();

        v1.StreamOpen = (function() {

            /**
             * Properties of a StreamOpen.
             * @typedef {Object} tapline.v1.StreamOpen.$Properties
             * @property {number|null} [streamId] StreamOpen streamId
             * @property {tapline.v1.StreamKind|null} [kind] StreamOpen kind
             * @property {Object.<string,string>|null} [details] StreamOpen details
             * @property {number|null} [cols] StreamOpen cols
             * @property {number|null} [rows] StreamOpen rows
             * @property {boolean|null} [contentRecorded] StreamOpen contentRecorded
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a StreamOpen.
             * @memberof tapline.v1
             * @interface IStreamOpen
             * @augments tapline.v1.StreamOpen.$Properties
             * @deprecated Use tapline.v1.StreamOpen.$Properties instead.
             */

            /**
             * Shape of a StreamOpen.
             * @typedef {tapline.v1.StreamOpen.$Properties} tapline.v1.StreamOpen.$Shape
             */

            /**
             * Constructs a new StreamOpen.
             * @memberof tapline.v1
             * @classdesc Represents a StreamOpen.
             * @constructor
             * @param {tapline.v1.StreamOpen.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const StreamOpen = function (properties) {
                this.details = {};
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * StreamOpen streamId.
             * @member {number} streamId
             * @memberof tapline.v1.StreamOpen
             * @instance
             */
            StreamOpen.prototype.streamId = 0;

            /**
             * StreamOpen kind.
             * @member {tapline.v1.StreamKind} kind
             * @memberof tapline.v1.StreamOpen
             * @instance
             */
            StreamOpen.prototype.kind = 0;

            /**
             * StreamOpen details.
             * @member {Object.<string,string>} details
             * @memberof tapline.v1.StreamOpen
             * @instance
             */
            StreamOpen.prototype.details = $util.emptyObject;

            /**
             * StreamOpen cols.
             * @member {number} cols
             * @memberof tapline.v1.StreamOpen
             * @instance
             */
            StreamOpen.prototype.cols = 0;

            /**
             * StreamOpen rows.
             * @member {number} rows
             * @memberof tapline.v1.StreamOpen
             * @instance
             */
            StreamOpen.prototype.rows = 0;

            /**
             * StreamOpen contentRecorded.
             * @member {boolean} contentRecorded
             * @memberof tapline.v1.StreamOpen
             * @instance
             */
            StreamOpen.prototype.contentRecorded = false;

            /**
             * Encodes the specified StreamOpen message. Does not implicitly {@link tapline.v1.StreamOpen.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.StreamOpen
             * @static
             * @param {tapline.v1.StreamOpen.$Properties} message StreamOpen message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            StreamOpen.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId") && message.streamId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.streamId);
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind") && message.kind !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).int32(message.kind);
                if (message.details != null && $Object.hasOwnProperty.call(message, "details"))
                    for (let keys = $Object.keys(message.details), i = 0; i < keys.length; ++i)
                        writer.uint32(/* id 3, wireType 2 =*/26).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.details[keys[i]]).ldelim();
                if (message.cols != null && $Object.hasOwnProperty.call(message, "cols") && message.cols !== 0)
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.cols);
                if (message.rows != null && $Object.hasOwnProperty.call(message, "rows") && message.rows !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.rows);
                if (message.contentRecorded != null && $Object.hasOwnProperty.call(message, "contentRecorded") && message.contentRecorded !== false)
                    writer.uint32(/* id 6, wireType 0 =*/48).bool(message.contentRecorded);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a StreamOpen message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.StreamOpen
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.StreamOpen & tapline.v1.StreamOpen.$Shape} StreamOpen
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            StreamOpen.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, key, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.StreamOpen();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.streamId = value;
                            else
                                delete message.streamId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.kind = value;
                            else
                                delete message.kind;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if (message.details === $util.emptyObject)
                                message.details = {};
                            let end2 = reader.size() + reader.pos;
                            if (end2 > reader.len)
                                throw $RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = "";
                            while (reader.pos < end2) {
                                let tag2 = reader.tag();
                                wireType = tag2 & 7;
                                switch (tag2 >>>= 3) {
                                case 1:
                                    if (wireType !== 2)
                                        break;
                                    key = reader.stringVerify();
                                    continue;
                                case 2:
                                    if (wireType !== 2)
                                        break;
                                    value = reader.stringVerify();
                                    continue;
                                }
                                reader.skipType(wireType, _depth, tag2);
                            }
                            if (reader.pos !== end2)
                                throw $RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.details, key);
                            message.details[key] = value;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.cols = value;
                            else
                                delete message.cols;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.rows = value;
                            else
                                delete message.rows;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.contentRecorded = value;
                            else
                                delete message.contentRecorded;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a StreamOpen message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.StreamOpen
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.StreamOpen} StreamOpen
             */
            StreamOpen.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.StreamOpen)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.StreamOpen: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.StreamOpen();
                if (object.streamId != null)
                    if ($Number(object.streamId) !== 0)
                        message.streamId = object.streamId >>> 0;
                if (object.kind !== 0 && (typeof object.kind !== "string" || $root.tapline.v1.StreamKind[object.kind] !== 0))
                    switch (object.kind) {
                    case "STREAM_KIND_UNSPECIFIED":
                    case 0:
                        message.kind = 0;
                        break;
                    case "STREAM_KIND_SSH_SHELL":
                    case 1:
                        message.kind = 1;
                        break;
                    case "STREAM_KIND_SSH_EXEC":
                    case 2:
                        message.kind = 2;
                        break;
                    case "STREAM_KIND_SSH_SFTP":
                    case 3:
                        message.kind = 3;
                        break;
                    case "STREAM_KIND_SSH_FORWARD":
                    case 4:
                        message.kind = 4;
                        break;
                    case "STREAM_KIND_SSH_SUBSYSTEM":
                    case 5:
                        message.kind = 5;
                        break;
                    case "STREAM_KIND_KUBE_EXEC":
                    case 16:
                        message.kind = 16;
                        break;
                    case "STREAM_KIND_KUBE_ATTACH":
                    case 17:
                        message.kind = 17;
                        break;
                    case "STREAM_KIND_KUBE_PORT_FORWARD":
                    case 18:
                        message.kind = 18;
                        break;
                    case "STREAM_KIND_KUBE_API":
                    case 19:
                        message.kind = 19;
                        break;
                    case "STREAM_KIND_DB_CONNECTION":
                    case 32:
                        message.kind = 32;
                        break;
                    default:
                        if (typeof object.kind === "number" && (object.kind | 0) === object.kind)
                            message.kind = object.kind;
                    }
                if (object.details) {
                    if (!$util.isObject(object.details))
                        throw $TypeError(".tapline.v1.StreamOpen.details: object expected");
                    message.details = {};
                    for (let keys = $Object.keys(object.details), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.details, keys[i]);
                        message.details[keys[i]] = $String(object.details[keys[i]]);
                    }
                }
                if (object.cols != null)
                    if ($Number(object.cols) !== 0)
                        message.cols = object.cols >>> 0;
                if (object.rows != null)
                    if ($Number(object.rows) !== 0)
                        message.rows = object.rows >>> 0;
                if (object.contentRecorded != null)
                    if (object.contentRecorded)
                        message.contentRecorded = $Boolean(object.contentRecorded);
                return message;
            };

            /**
             * Creates a plain object from a StreamOpen message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.StreamOpen
             * @static
             * @param {tapline.v1.StreamOpen} message StreamOpen
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            StreamOpen.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.objects || options.defaults)
                    object.details = {};
                if (options.defaults) {
                    object.streamId = 0;
                    object.kind = options.enums === $String ? "STREAM_KIND_UNSPECIFIED" : 0;
                    object.cols = 0;
                    object.rows = 0;
                    object.contentRecorded = false;
                }
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId"))
                    object.streamId = message.streamId;
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind"))
                    object.kind = options.enums === $String ? $root.tapline.v1.StreamKind[message.kind] === $undefined ? message.kind : $root.tapline.v1.StreamKind[message.kind] : message.kind;
                let keys2;
                if (message.details && (keys2 = $Object.keys(message.details)).length) {
                    object.details = {};
                    for (let j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.details, keys2[j]);
                        object.details[keys2[j]] = message.details[keys2[j]];
                    }
                }
                if (message.cols != null && $Object.hasOwnProperty.call(message, "cols"))
                    object.cols = message.cols;
                if (message.rows != null && $Object.hasOwnProperty.call(message, "rows"))
                    object.rows = message.rows;
                if (message.contentRecorded != null && $Object.hasOwnProperty.call(message, "contentRecorded"))
                    object.contentRecorded = message.contentRecorded;
                return object;
            };

            /**
             * Converts this StreamOpen to JSON.
             * @function toJSON
             * @memberof tapline.v1.StreamOpen
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            StreamOpen.prototype.toJSON = function() {
                return StreamOpen.toObject(this, $protobuf.util.toJSONOptions);
            };

            return StreamOpen;
        })();

        v1.StreamClose = (function() {

            /**
             * Properties of a StreamClose.
             * @typedef {Object} tapline.v1.StreamClose.$Properties
             * @property {number|null} [streamId] StreamClose streamId
             * @property {number|null} [exitStatus] StreamClose exitStatus
             * @property {string|null} [exitSignal] StreamClose exitSignal
             * @property {string|null} [detail] StreamClose detail
             * @property {number|null} [bytesClientToTarget] StreamClose bytesClientToTarget
             * @property {number|null} [bytesTargetToClient] StreamClose bytesTargetToClient
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a StreamClose.
             * @memberof tapline.v1
             * @interface IStreamClose
             * @augments tapline.v1.StreamClose.$Properties
             * @deprecated Use tapline.v1.StreamClose.$Properties instead.
             */

            /**
             * Shape of a StreamClose.
             * @typedef {tapline.v1.StreamClose.$Properties} tapline.v1.StreamClose.$Shape
             */

            /**
             * Constructs a new StreamClose.
             * @memberof tapline.v1
             * @classdesc Represents a StreamClose.
             * @constructor
             * @param {tapline.v1.StreamClose.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const StreamClose = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * StreamClose streamId.
             * @member {number} streamId
             * @memberof tapline.v1.StreamClose
             * @instance
             */
            StreamClose.prototype.streamId = 0;

            /**
             * StreamClose exitStatus.
             * @member {number|null|undefined} exitStatus
             * @memberof tapline.v1.StreamClose
             * @instance
             */
            StreamClose.prototype.exitStatus = null;

            /**
             * StreamClose exitSignal.
             * @member {string} exitSignal
             * @memberof tapline.v1.StreamClose
             * @instance
             */
            StreamClose.prototype.exitSignal = "";

            /**
             * StreamClose detail.
             * @member {string} detail
             * @memberof tapline.v1.StreamClose
             * @instance
             */
            StreamClose.prototype.detail = "";

            /**
             * StreamClose bytesClientToTarget.
             * @member {number} bytesClientToTarget
             * @memberof tapline.v1.StreamClose
             * @instance
             */
            StreamClose.prototype.bytesClientToTarget = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * StreamClose bytesTargetToClient.
             * @member {number} bytesTargetToClient
             * @memberof tapline.v1.StreamClose
             * @instance
             */
            StreamClose.prototype.bytesTargetToClient = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(StreamClose.prototype, "_exitStatus", {
                get: $util.oneOfGetter($oneOfFields = ["exitStatus"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Encodes the specified StreamClose message. Does not implicitly {@link tapline.v1.StreamClose.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.StreamClose
             * @static
             * @param {tapline.v1.StreamClose.$Properties} message StreamClose message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            StreamClose.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId") && message.streamId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.streamId);
                if (message.exitStatus != null && $Object.hasOwnProperty.call(message, "exitStatus"))
                    writer.uint32(/* id 2, wireType 0 =*/16).int32(message.exitStatus);
                if (message.exitSignal != null && $Object.hasOwnProperty.call(message, "exitSignal") && message.exitSignal !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.exitSignal);
                if (message.detail != null && $Object.hasOwnProperty.call(message, "detail") && message.detail !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.detail);
                if (message.bytesClientToTarget != null && $Object.hasOwnProperty.call(message, "bytesClientToTarget") && (typeof message.bytesClientToTarget === "object" ? message.bytesClientToTarget.low || message.bytesClientToTarget.high : message.bytesClientToTarget !== 0))
                    writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.bytesClientToTarget);
                if (message.bytesTargetToClient != null && $Object.hasOwnProperty.call(message, "bytesTargetToClient") && (typeof message.bytesTargetToClient === "object" ? message.bytesTargetToClient.low || message.bytesTargetToClient.high : message.bytesTargetToClient !== 0))
                    writer.uint32(/* id 6, wireType 0 =*/48).uint64(message.bytesTargetToClient);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a StreamClose message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.StreamClose
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.StreamClose & tapline.v1.StreamClose.$Shape} StreamClose
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            StreamClose.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.StreamClose();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.streamId = value;
                            else
                                delete message.streamId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            message.exitStatus = reader.int32();
                            message._exitStatus = "exitStatus";
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.exitSignal = value;
                            else
                                delete message.exitSignal;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.detail = value;
                            else
                                delete message.detail;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bytesClientToTarget = value;
                            else
                                delete message.bytesClientToTarget;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bytesTargetToClient = value;
                            else
                                delete message.bytesTargetToClient;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a StreamClose message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.StreamClose
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.StreamClose} StreamClose
             */
            StreamClose.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.StreamClose)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.StreamClose: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.StreamClose();
                if (object.streamId != null)
                    if ($Number(object.streamId) !== 0)
                        message.streamId = object.streamId >>> 0;
                if (object.exitStatus != null)
                    message.exitStatus = object.exitStatus | 0;
                if (object.exitSignal != null)
                    if (typeof object.exitSignal !== "string" || object.exitSignal.length)
                        message.exitSignal = $String(object.exitSignal);
                if (object.detail != null)
                    if (typeof object.detail !== "string" || object.detail.length)
                        message.detail = $String(object.detail);
                if (object.bytesClientToTarget != null)
                    if (typeof object.bytesClientToTarget === "object" ? object.bytesClientToTarget.low || object.bytesClientToTarget.high : $Number(object.bytesClientToTarget) !== 0)
                        if ($util.Long)
                            message.bytesClientToTarget = $util.Long.fromValue(object.bytesClientToTarget, true);
                        else if (typeof object.bytesClientToTarget === "string")
                            message.bytesClientToTarget = $parseInt(object.bytesClientToTarget, 10);
                        else if (typeof object.bytesClientToTarget === "number")
                            message.bytesClientToTarget = object.bytesClientToTarget;
                        else if (typeof object.bytesClientToTarget === "object")
                            message.bytesClientToTarget = new $util.LongBits(object.bytesClientToTarget.low >>> 0, object.bytesClientToTarget.high >>> 0).toNumber(true);
                if (object.bytesTargetToClient != null)
                    if (typeof object.bytesTargetToClient === "object" ? object.bytesTargetToClient.low || object.bytesTargetToClient.high : $Number(object.bytesTargetToClient) !== 0)
                        if ($util.Long)
                            message.bytesTargetToClient = $util.Long.fromValue(object.bytesTargetToClient, true);
                        else if (typeof object.bytesTargetToClient === "string")
                            message.bytesTargetToClient = $parseInt(object.bytesTargetToClient, 10);
                        else if (typeof object.bytesTargetToClient === "number")
                            message.bytesTargetToClient = object.bytesTargetToClient;
                        else if (typeof object.bytesTargetToClient === "object")
                            message.bytesTargetToClient = new $util.LongBits(object.bytesTargetToClient.low >>> 0, object.bytesTargetToClient.high >>> 0).toNumber(true);
                return message;
            };

            /**
             * Creates a plain object from a StreamClose message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.StreamClose
             * @static
             * @param {tapline.v1.StreamClose} message StreamClose
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            StreamClose.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.streamId = 0;
                    object.exitSignal = "";
                    object.detail = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bytesClientToTarget = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bytesClientToTarget = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bytesTargetToClient = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bytesTargetToClient = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId"))
                    object.streamId = message.streamId;
                if (message.exitStatus != null && $Object.hasOwnProperty.call(message, "exitStatus"))
                    object.exitStatus = message.exitStatus;
                if (message.exitSignal != null && $Object.hasOwnProperty.call(message, "exitSignal"))
                    object.exitSignal = message.exitSignal;
                if (message.detail != null && $Object.hasOwnProperty.call(message, "detail"))
                    object.detail = message.detail;
                if (message.bytesClientToTarget != null && $Object.hasOwnProperty.call(message, "bytesClientToTarget"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bytesClientToTarget = typeof message.bytesClientToTarget === "number" ? $BigInt(message.bytesClientToTarget) : $util.Long.fromBits(message.bytesClientToTarget.low >>> 0, message.bytesClientToTarget.high >>> 0, true).toBigInt();
                    else if (typeof message.bytesClientToTarget === "number")
                        object.bytesClientToTarget = options.longs === $String ? $String(message.bytesClientToTarget) : message.bytesClientToTarget;
                    else
                        object.bytesClientToTarget = options.longs === $String ? $util.Long.prototype.toString.call(message.bytesClientToTarget) : options.longs === $Number ? new $util.LongBits(message.bytesClientToTarget.low >>> 0, message.bytesClientToTarget.high >>> 0).toNumber(true) : message.bytesClientToTarget;
                if (message.bytesTargetToClient != null && $Object.hasOwnProperty.call(message, "bytesTargetToClient"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bytesTargetToClient = typeof message.bytesTargetToClient === "number" ? $BigInt(message.bytesTargetToClient) : $util.Long.fromBits(message.bytesTargetToClient.low >>> 0, message.bytesTargetToClient.high >>> 0, true).toBigInt();
                    else if (typeof message.bytesTargetToClient === "number")
                        object.bytesTargetToClient = options.longs === $String ? $String(message.bytesTargetToClient) : message.bytesTargetToClient;
                    else
                        object.bytesTargetToClient = options.longs === $String ? $util.Long.prototype.toString.call(message.bytesTargetToClient) : options.longs === $Number ? new $util.LongBits(message.bytesTargetToClient.low >>> 0, message.bytesTargetToClient.high >>> 0).toNumber(true) : message.bytesTargetToClient;
                return object;
            };

            /**
             * Converts this StreamClose to JSON.
             * @function toJSON
             * @memberof tapline.v1.StreamClose
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            StreamClose.prototype.toJSON = function() {
                return StreamClose.toObject(this, $protobuf.util.toJSONOptions);
            };

            return StreamClose;
        })();

        /**
         * Direction enum.
         * @name tapline.v1.Direction
         * @enum {number}
         * @property {number} DIRECTION_UNSPECIFIED=0 DIRECTION_UNSPECIFIED value
         * @property {number} DIRECTION_CLIENT_TO_TARGET=1 DIRECTION_CLIENT_TO_TARGET value
         * @property {number} DIRECTION_TARGET_TO_CLIENT=2 DIRECTION_TARGET_TO_CLIENT value
         */
        v1.Direction = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "DIRECTION_UNSPECIFIED"] = 0;
            values[valuesById[1] = "DIRECTION_CLIENT_TO_TARGET"] = 1;
            values[valuesById[2] = "DIRECTION_TARGET_TO_CLIENT"] = 2;
            return values;
        })();

        v1.Data = (function() {

            /**
             * Properties of a Data.
             * @typedef {Object} tapline.v1.Data.$Properties
             * @property {number|null} [streamId] Data streamId
             * @property {tapline.v1.Direction|null} [direction] Data direction
             * @property {Uint8Array|null} [bytes] Data bytes
             * @property {number|null} [channel] Data channel
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Data.
             * @memberof tapline.v1
             * @interface IData
             * @augments tapline.v1.Data.$Properties
             * @deprecated Use tapline.v1.Data.$Properties instead.
             */

            /**
             * Shape of a Data.
             * @typedef {tapline.v1.Data.$Properties} tapline.v1.Data.$Shape
             */

            /**
             * Constructs a new Data.
             * @memberof tapline.v1
             * @classdesc Represents a Data.
             * @constructor
             * @param {tapline.v1.Data.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Data = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Data streamId.
             * @member {number} streamId
             * @memberof tapline.v1.Data
             * @instance
             */
            Data.prototype.streamId = 0;

            /**
             * Data direction.
             * @member {tapline.v1.Direction} direction
             * @memberof tapline.v1.Data
             * @instance
             */
            Data.prototype.direction = 0;

            /**
             * Data bytes.
             * @member {Uint8Array} bytes
             * @memberof tapline.v1.Data
             * @instance
             */
            Data.prototype.bytes = $util.newBuffer([]);

            /**
             * Data channel.
             * @member {number} channel
             * @memberof tapline.v1.Data
             * @instance
             */
            Data.prototype.channel = 0;

            /**
             * Encodes the specified Data message. Does not implicitly {@link tapline.v1.Data.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.Data
             * @static
             * @param {tapline.v1.Data.$Properties} message Data message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Data.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId") && message.streamId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.streamId);
                if (message.direction != null && $Object.hasOwnProperty.call(message, "direction") && message.direction !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).int32(message.direction);
                if (message.bytes != null && $Object.hasOwnProperty.call(message, "bytes") && message.bytes.length)
                    writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.bytes);
                if (message.channel != null && $Object.hasOwnProperty.call(message, "channel") && message.channel !== 0)
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.channel);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Data message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.Data
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.Data & tapline.v1.Data.$Shape} Data
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Data.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.Data();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.streamId = value;
                            else
                                delete message.streamId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.direction = value;
                            else
                                delete message.direction;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.bytes = value;
                            else
                                delete message.bytes;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.channel = value;
                            else
                                delete message.channel;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a Data message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.Data
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.Data} Data
             */
            Data.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.Data)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.Data: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.Data();
                if (object.streamId != null)
                    if ($Number(object.streamId) !== 0)
                        message.streamId = object.streamId >>> 0;
                if (object.direction !== 0 && (typeof object.direction !== "string" || $root.tapline.v1.Direction[object.direction] !== 0))
                    switch (object.direction) {
                    case "DIRECTION_UNSPECIFIED":
                    case 0:
                        message.direction = 0;
                        break;
                    case "DIRECTION_CLIENT_TO_TARGET":
                    case 1:
                        message.direction = 1;
                        break;
                    case "DIRECTION_TARGET_TO_CLIENT":
                    case 2:
                        message.direction = 2;
                        break;
                    default:
                        if (typeof object.direction === "number" && (object.direction | 0) === object.direction)
                            message.direction = object.direction;
                    }
                if (object.bytes != null)
                    if (object.bytes.length)
                        if (typeof object.bytes === "string")
                            $util.base64.decode(object.bytes, message.bytes = $util.newBuffer($util.base64.length(object.bytes)), 0);
                        else if (object.bytes.length >= 0)
                            message.bytes = object.bytes;
                if (object.channel != null)
                    if ($Number(object.channel) !== 0)
                        message.channel = object.channel >>> 0;
                return message;
            };

            /**
             * Creates a plain object from a Data message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.Data
             * @static
             * @param {tapline.v1.Data} message Data
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Data.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.streamId = 0;
                    object.direction = options.enums === $String ? "DIRECTION_UNSPECIFIED" : 0;
                    if (options.bytes === $String)
                        object.bytes = "";
                    else {
                        object.bytes = [];
                        if (options.bytes !== $Array)
                            object.bytes = $util.newBuffer(object.bytes);
                    }
                    object.channel = 0;
                }
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId"))
                    object.streamId = message.streamId;
                if (message.direction != null && $Object.hasOwnProperty.call(message, "direction"))
                    object.direction = options.enums === $String ? $root.tapline.v1.Direction[message.direction] === $undefined ? message.direction : $root.tapline.v1.Direction[message.direction] : message.direction;
                if (message.bytes != null && $Object.hasOwnProperty.call(message, "bytes"))
                    object.bytes = options.bytes === $String ? $util.base64.encode(message.bytes, 0, message.bytes.length) : options.bytes === $Array ? $Array.prototype.slice.call(message.bytes) : message.bytes;
                if (message.channel != null && $Object.hasOwnProperty.call(message, "channel"))
                    object.channel = message.channel;
                return object;
            };

            /**
             * Converts this Data to JSON.
             * @function toJSON
             * @memberof tapline.v1.Data
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Data.prototype.toJSON = function() {
                return Data.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Data;
        })();

        v1.Resize = (function() {

            /**
             * Properties of a Resize.
             * @typedef {Object} tapline.v1.Resize.$Properties
             * @property {number|null} [streamId] Resize streamId
             * @property {number|null} [cols] Resize cols
             * @property {number|null} [rows] Resize rows
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Resize.
             * @memberof tapline.v1
             * @interface IResize
             * @augments tapline.v1.Resize.$Properties
             * @deprecated Use tapline.v1.Resize.$Properties instead.
             */

            /**
             * Shape of a Resize.
             * @typedef {tapline.v1.Resize.$Properties} tapline.v1.Resize.$Shape
             */

            /**
             * Constructs a new Resize.
             * @memberof tapline.v1
             * @classdesc Represents a Resize.
             * @constructor
             * @param {tapline.v1.Resize.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Resize = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Resize streamId.
             * @member {number} streamId
             * @memberof tapline.v1.Resize
             * @instance
             */
            Resize.prototype.streamId = 0;

            /**
             * Resize cols.
             * @member {number} cols
             * @memberof tapline.v1.Resize
             * @instance
             */
            Resize.prototype.cols = 0;

            /**
             * Resize rows.
             * @member {number} rows
             * @memberof tapline.v1.Resize
             * @instance
             */
            Resize.prototype.rows = 0;

            /**
             * Encodes the specified Resize message. Does not implicitly {@link tapline.v1.Resize.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.Resize
             * @static
             * @param {tapline.v1.Resize.$Properties} message Resize message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Resize.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId") && message.streamId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.streamId);
                if (message.cols != null && $Object.hasOwnProperty.call(message, "cols") && message.cols !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.cols);
                if (message.rows != null && $Object.hasOwnProperty.call(message, "rows") && message.rows !== 0)
                    writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.rows);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Resize message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.Resize
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.Resize & tapline.v1.Resize.$Shape} Resize
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Resize.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.Resize();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.streamId = value;
                            else
                                delete message.streamId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.cols = value;
                            else
                                delete message.cols;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.rows = value;
                            else
                                delete message.rows;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a Resize message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.Resize
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.Resize} Resize
             */
            Resize.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.Resize)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.Resize: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.Resize();
                if (object.streamId != null)
                    if ($Number(object.streamId) !== 0)
                        message.streamId = object.streamId >>> 0;
                if (object.cols != null)
                    if ($Number(object.cols) !== 0)
                        message.cols = object.cols >>> 0;
                if (object.rows != null)
                    if ($Number(object.rows) !== 0)
                        message.rows = object.rows >>> 0;
                return message;
            };

            /**
             * Creates a plain object from a Resize message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.Resize
             * @static
             * @param {tapline.v1.Resize} message Resize
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Resize.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.streamId = 0;
                    object.cols = 0;
                    object.rows = 0;
                }
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId"))
                    object.streamId = message.streamId;
                if (message.cols != null && $Object.hasOwnProperty.call(message, "cols"))
                    object.cols = message.cols;
                if (message.rows != null && $Object.hasOwnProperty.call(message, "rows"))
                    object.rows = message.rows;
                return object;
            };

            /**
             * Converts this Resize to JSON.
             * @function toJSON
             * @memberof tapline.v1.Resize
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Resize.prototype.toJSON = function() {
                return Resize.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Resize;
        })();

        v1.Command = (function() {

            /**
             * Properties of a Command.
             * @typedef {Object} tapline.v1.Command.$Properties
             * @property {number|null} [streamId] Command streamId
             * @property {string|null} [text] Command text
             * @property {string|null} [source] Command source
             * @property {number|null} [startedOffsetNs] Command startedOffsetNs
             * @property {number|null} [endedOffsetNs] Command endedOffsetNs
             * @property {string|null} [program] Command program
             * @property {string|null} [inputSource] Command inputSource
             * @property {Array.<string>|null} [programs] Command programs
             * @property {number|null} [exitCode] Command exitCode
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Command.
             * @memberof tapline.v1
             * @interface ICommand
             * @augments tapline.v1.Command.$Properties
             * @deprecated Use tapline.v1.Command.$Properties instead.
             */

            /**
             * Shape of a Command.
             * @typedef {tapline.v1.Command.$Properties} tapline.v1.Command.$Shape
             */

            /**
             * Constructs a new Command.
             * @memberof tapline.v1
             * @classdesc Represents a Command.
             * @constructor
             * @param {tapline.v1.Command.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Command = function (properties) {
                this.programs = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Command streamId.
             * @member {number} streamId
             * @memberof tapline.v1.Command
             * @instance
             */
            Command.prototype.streamId = 0;

            /**
             * Command text.
             * @member {string} text
             * @memberof tapline.v1.Command
             * @instance
             */
            Command.prototype.text = "";

            /**
             * Command source.
             * @member {string} source
             * @memberof tapline.v1.Command
             * @instance
             */
            Command.prototype.source = "";

            /**
             * Command startedOffsetNs.
             * @member {number} startedOffsetNs
             * @memberof tapline.v1.Command
             * @instance
             */
            Command.prototype.startedOffsetNs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Command endedOffsetNs.
             * @member {number} endedOffsetNs
             * @memberof tapline.v1.Command
             * @instance
             */
            Command.prototype.endedOffsetNs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Command program.
             * @member {string} program
             * @memberof tapline.v1.Command
             * @instance
             */
            Command.prototype.program = "";

            /**
             * Command inputSource.
             * @member {string} inputSource
             * @memberof tapline.v1.Command
             * @instance
             */
            Command.prototype.inputSource = "";

            /**
             * Command programs.
             * @member {Array.<string>} programs
             * @memberof tapline.v1.Command
             * @instance
             */
            Command.prototype.programs = $util.emptyArray;

            /**
             * Command exitCode.
             * @member {number|null|undefined} exitCode
             * @memberof tapline.v1.Command
             * @instance
             */
            Command.prototype.exitCode = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Command.prototype, "_exitCode", {
                get: $util.oneOfGetter($oneOfFields = ["exitCode"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Encodes the specified Command message. Does not implicitly {@link tapline.v1.Command.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.Command
             * @static
             * @param {tapline.v1.Command.$Properties} message Command message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Command.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId") && message.streamId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.streamId);
                if (message.text != null && $Object.hasOwnProperty.call(message, "text") && message.text !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.text);
                if (message.source != null && $Object.hasOwnProperty.call(message, "source") && message.source !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.source);
                if (message.startedOffsetNs != null && $Object.hasOwnProperty.call(message, "startedOffsetNs") && (typeof message.startedOffsetNs === "object" ? message.startedOffsetNs.low || message.startedOffsetNs.high : message.startedOffsetNs !== 0))
                    writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.startedOffsetNs);
                if (message.endedOffsetNs != null && $Object.hasOwnProperty.call(message, "endedOffsetNs") && (typeof message.endedOffsetNs === "object" ? message.endedOffsetNs.low || message.endedOffsetNs.high : message.endedOffsetNs !== 0))
                    writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.endedOffsetNs);
                if (message.program != null && $Object.hasOwnProperty.call(message, "program") && message.program !== "")
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.program);
                if (message.inputSource != null && $Object.hasOwnProperty.call(message, "inputSource") && message.inputSource !== "")
                    writer.uint32(/* id 7, wireType 2 =*/58).string(message.inputSource);
                if (message.programs != null && message.programs.length)
                    for (let i = 0; i < message.programs.length; ++i)
                        writer.uint32(/* id 8, wireType 2 =*/66).string(message.programs[i]);
                if (message.exitCode != null && $Object.hasOwnProperty.call(message, "exitCode"))
                    writer.uint32(/* id 9, wireType 0 =*/72).sint32(message.exitCode);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Command message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.Command
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.Command & tapline.v1.Command.$Shape} Command
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Command.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.Command();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.streamId = value;
                            else
                                delete message.streamId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.text = value;
                            else
                                delete message.text;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.source = value;
                            else
                                delete message.source;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.startedOffsetNs = value;
                            else
                                delete message.startedOffsetNs;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.endedOffsetNs = value;
                            else
                                delete message.endedOffsetNs;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.program = value;
                            else
                                delete message.program;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.inputSource = value;
                            else
                                delete message.inputSource;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 2)
                                break;
                            if (!(message.programs && message.programs.length))
                                message.programs = [];
                            message.programs.push(reader.stringVerify());
                            continue;
                        }
                    case 9: {
                            if (wireType !== 0)
                                break;
                            message.exitCode = reader.sint32();
                            message._exitCode = "exitCode";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a Command message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.Command
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.Command} Command
             */
            Command.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.Command)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.Command: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.Command();
                if (object.streamId != null)
                    if ($Number(object.streamId) !== 0)
                        message.streamId = object.streamId >>> 0;
                if (object.text != null)
                    if (typeof object.text !== "string" || object.text.length)
                        message.text = $String(object.text);
                if (object.source != null)
                    if (typeof object.source !== "string" || object.source.length)
                        message.source = $String(object.source);
                if (object.startedOffsetNs != null)
                    if (typeof object.startedOffsetNs === "object" ? object.startedOffsetNs.low || object.startedOffsetNs.high : $Number(object.startedOffsetNs) !== 0)
                        if ($util.Long)
                            message.startedOffsetNs = $util.Long.fromValue(object.startedOffsetNs, true);
                        else if (typeof object.startedOffsetNs === "string")
                            message.startedOffsetNs = $parseInt(object.startedOffsetNs, 10);
                        else if (typeof object.startedOffsetNs === "number")
                            message.startedOffsetNs = object.startedOffsetNs;
                        else if (typeof object.startedOffsetNs === "object")
                            message.startedOffsetNs = new $util.LongBits(object.startedOffsetNs.low >>> 0, object.startedOffsetNs.high >>> 0).toNumber(true);
                if (object.endedOffsetNs != null)
                    if (typeof object.endedOffsetNs === "object" ? object.endedOffsetNs.low || object.endedOffsetNs.high : $Number(object.endedOffsetNs) !== 0)
                        if ($util.Long)
                            message.endedOffsetNs = $util.Long.fromValue(object.endedOffsetNs, true);
                        else if (typeof object.endedOffsetNs === "string")
                            message.endedOffsetNs = $parseInt(object.endedOffsetNs, 10);
                        else if (typeof object.endedOffsetNs === "number")
                            message.endedOffsetNs = object.endedOffsetNs;
                        else if (typeof object.endedOffsetNs === "object")
                            message.endedOffsetNs = new $util.LongBits(object.endedOffsetNs.low >>> 0, object.endedOffsetNs.high >>> 0).toNumber(true);
                if (object.program != null)
                    if (typeof object.program !== "string" || object.program.length)
                        message.program = $String(object.program);
                if (object.inputSource != null)
                    if (typeof object.inputSource !== "string" || object.inputSource.length)
                        message.inputSource = $String(object.inputSource);
                if (object.programs) {
                    if (!$Array.isArray(object.programs))
                        throw $TypeError(".tapline.v1.Command.programs: array expected");
                    message.programs = $Array(object.programs.length);
                    for (let i = 0; i < object.programs.length; ++i)
                        message.programs[i] = $String(object.programs[i]);
                }
                if (object.exitCode != null)
                    message.exitCode = object.exitCode | 0;
                return message;
            };

            /**
             * Creates a plain object from a Command message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.Command
             * @static
             * @param {tapline.v1.Command} message Command
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Command.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults)
                    object.programs = [];
                if (options.defaults) {
                    object.streamId = 0;
                    object.text = "";
                    object.source = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.startedOffsetNs = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.startedOffsetNs = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.endedOffsetNs = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.endedOffsetNs = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.program = "";
                    object.inputSource = "";
                }
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId"))
                    object.streamId = message.streamId;
                if (message.text != null && $Object.hasOwnProperty.call(message, "text"))
                    object.text = message.text;
                if (message.source != null && $Object.hasOwnProperty.call(message, "source"))
                    object.source = message.source;
                if (message.startedOffsetNs != null && $Object.hasOwnProperty.call(message, "startedOffsetNs"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.startedOffsetNs = typeof message.startedOffsetNs === "number" ? $BigInt(message.startedOffsetNs) : $util.Long.fromBits(message.startedOffsetNs.low >>> 0, message.startedOffsetNs.high >>> 0, true).toBigInt();
                    else if (typeof message.startedOffsetNs === "number")
                        object.startedOffsetNs = options.longs === $String ? $String(message.startedOffsetNs) : message.startedOffsetNs;
                    else
                        object.startedOffsetNs = options.longs === $String ? $util.Long.prototype.toString.call(message.startedOffsetNs) : options.longs === $Number ? new $util.LongBits(message.startedOffsetNs.low >>> 0, message.startedOffsetNs.high >>> 0).toNumber(true) : message.startedOffsetNs;
                if (message.endedOffsetNs != null && $Object.hasOwnProperty.call(message, "endedOffsetNs"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.endedOffsetNs = typeof message.endedOffsetNs === "number" ? $BigInt(message.endedOffsetNs) : $util.Long.fromBits(message.endedOffsetNs.low >>> 0, message.endedOffsetNs.high >>> 0, true).toBigInt();
                    else if (typeof message.endedOffsetNs === "number")
                        object.endedOffsetNs = options.longs === $String ? $String(message.endedOffsetNs) : message.endedOffsetNs;
                    else
                        object.endedOffsetNs = options.longs === $String ? $util.Long.prototype.toString.call(message.endedOffsetNs) : options.longs === $Number ? new $util.LongBits(message.endedOffsetNs.low >>> 0, message.endedOffsetNs.high >>> 0).toNumber(true) : message.endedOffsetNs;
                if (message.program != null && $Object.hasOwnProperty.call(message, "program"))
                    object.program = message.program;
                if (message.inputSource != null && $Object.hasOwnProperty.call(message, "inputSource"))
                    object.inputSource = message.inputSource;
                if (message.programs && message.programs.length) {
                    object.programs = $Array(message.programs.length);
                    for (let j = 0; j < message.programs.length; ++j)
                        object.programs[j] = message.programs[j];
                }
                if (message.exitCode != null && $Object.hasOwnProperty.call(message, "exitCode"))
                    object.exitCode = message.exitCode;
                return object;
            };

            /**
             * Converts this Command to JSON.
             * @function toJSON
             * @memberof tapline.v1.Command
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Command.prototype.toJSON = function() {
                return Command.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Command;
        })();

        v1.QueryParameter = (function() {

            /**
             * Properties of a QueryParameter.
             * @typedef {Object} tapline.v1.QueryParameter.$Properties
             * @property {string|null} [value] QueryParameter value
             * @property {boolean|null} [isNull] QueryParameter isNull
             * @property {string|null} [type] QueryParameter type
             * @property {string|null} [format] QueryParameter format
             * @property {number|null} [length] QueryParameter length
             * @property {boolean|null} [redacted] QueryParameter redacted
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a QueryParameter.
             * @memberof tapline.v1
             * @interface IQueryParameter
             * @augments tapline.v1.QueryParameter.$Properties
             * @deprecated Use tapline.v1.QueryParameter.$Properties instead.
             */

            /**
             * Shape of a QueryParameter.
             * @typedef {tapline.v1.QueryParameter.$Properties} tapline.v1.QueryParameter.$Shape
             */

            /**
             * Constructs a new QueryParameter.
             * @memberof tapline.v1
             * @classdesc Represents a QueryParameter.
             * @constructor
             * @param {tapline.v1.QueryParameter.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const QueryParameter = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * QueryParameter value.
             * @member {string} value
             * @memberof tapline.v1.QueryParameter
             * @instance
             */
            QueryParameter.prototype.value = "";

            /**
             * QueryParameter isNull.
             * @member {boolean} isNull
             * @memberof tapline.v1.QueryParameter
             * @instance
             */
            QueryParameter.prototype.isNull = false;

            /**
             * QueryParameter type.
             * @member {string} type
             * @memberof tapline.v1.QueryParameter
             * @instance
             */
            QueryParameter.prototype.type = "";

            /**
             * QueryParameter format.
             * @member {string} format
             * @memberof tapline.v1.QueryParameter
             * @instance
             */
            QueryParameter.prototype.format = "";

            /**
             * QueryParameter length.
             * @member {number|null|undefined} length
             * @memberof tapline.v1.QueryParameter
             * @instance
             */
            QueryParameter.prototype.length = null;

            /**
             * QueryParameter redacted.
             * @member {boolean} redacted
             * @memberof tapline.v1.QueryParameter
             * @instance
             */
            QueryParameter.prototype.redacted = false;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(QueryParameter.prototype, "_length", {
                get: $util.oneOfGetter($oneOfFields = ["length"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Encodes the specified QueryParameter message. Does not implicitly {@link tapline.v1.QueryParameter.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.QueryParameter
             * @static
             * @param {tapline.v1.QueryParameter.$Properties} message QueryParameter message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            QueryParameter.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.value != null && $Object.hasOwnProperty.call(message, "value") && message.value !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.value);
                if (message.isNull != null && $Object.hasOwnProperty.call(message, "isNull") && message.isNull !== false)
                    writer.uint32(/* id 2, wireType 0 =*/16).bool(message.isNull);
                if (message.type != null && $Object.hasOwnProperty.call(message, "type") && message.type !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.type);
                if (message.format != null && $Object.hasOwnProperty.call(message, "format") && message.format !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.format);
                if (message.length != null && $Object.hasOwnProperty.call(message, "length"))
                    writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.length);
                if (message.redacted != null && $Object.hasOwnProperty.call(message, "redacted") && message.redacted !== false)
                    writer.uint32(/* id 6, wireType 0 =*/48).bool(message.redacted);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a QueryParameter message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.QueryParameter
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.QueryParameter & tapline.v1.QueryParameter.$Shape} QueryParameter
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            QueryParameter.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.QueryParameter();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.value = value;
                            else
                                delete message.value;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.isNull = value;
                            else
                                delete message.isNull;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.type = value;
                            else
                                delete message.type;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.format = value;
                            else
                                delete message.format;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            message.length = reader.uint64();
                            message._length = "length";
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.redacted = value;
                            else
                                delete message.redacted;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a QueryParameter message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.QueryParameter
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.QueryParameter} QueryParameter
             */
            QueryParameter.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.QueryParameter)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.QueryParameter: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.QueryParameter();
                if (object.value != null)
                    if (typeof object.value !== "string" || object.value.length)
                        message.value = $String(object.value);
                if (object.isNull != null)
                    if (object.isNull)
                        message.isNull = $Boolean(object.isNull);
                if (object.type != null)
                    if (typeof object.type !== "string" || object.type.length)
                        message.type = $String(object.type);
                if (object.format != null)
                    if (typeof object.format !== "string" || object.format.length)
                        message.format = $String(object.format);
                if (object.length != null)
                    if ($util.Long)
                        message.length = $util.Long.fromValue(object.length, true);
                    else if (typeof object.length === "string")
                        message.length = $parseInt(object.length, 10);
                    else if (typeof object.length === "number")
                        message.length = object.length;
                    else if (typeof object.length === "object")
                        message.length = new $util.LongBits(object.length.low >>> 0, object.length.high >>> 0).toNumber(true);
                if (object.redacted != null)
                    if (object.redacted)
                        message.redacted = $Boolean(object.redacted);
                return message;
            };

            /**
             * Creates a plain object from a QueryParameter message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.QueryParameter
             * @static
             * @param {tapline.v1.QueryParameter} message QueryParameter
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            QueryParameter.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.value = "";
                    object.isNull = false;
                    object.type = "";
                    object.format = "";
                    object.redacted = false;
                }
                if (message.value != null && $Object.hasOwnProperty.call(message, "value"))
                    object.value = message.value;
                if (message.isNull != null && $Object.hasOwnProperty.call(message, "isNull"))
                    object.isNull = message.isNull;
                if (message.type != null && $Object.hasOwnProperty.call(message, "type"))
                    object.type = message.type;
                if (message.format != null && $Object.hasOwnProperty.call(message, "format"))
                    object.format = message.format;
                if (message.length != null && $Object.hasOwnProperty.call(message, "length"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.length = typeof message.length === "number" ? $BigInt(message.length) : $util.Long.fromBits(message.length.low >>> 0, message.length.high >>> 0, true).toBigInt();
                    else if (typeof message.length === "number")
                        object.length = options.longs === $String ? $String(message.length) : message.length;
                    else
                        object.length = options.longs === $String ? $util.Long.prototype.toString.call(message.length) : options.longs === $Number ? new $util.LongBits(message.length.low >>> 0, message.length.high >>> 0).toNumber(true) : message.length;
                if (message.redacted != null && $Object.hasOwnProperty.call(message, "redacted"))
                    object.redacted = message.redacted;
                return object;
            };

            /**
             * Converts this QueryParameter to JSON.
             * @function toJSON
             * @memberof tapline.v1.QueryParameter
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            QueryParameter.prototype.toJSON = function() {
                return QueryParameter.toObject(this, $protobuf.util.toJSONOptions);
            };

            return QueryParameter;
        })();

        v1.Query = (function() {

            /**
             * Properties of a Query.
             * @typedef {Object} tapline.v1.Query.$Properties
             * @property {number|null} [streamId] Query streamId
             * @property {string|null} [text] Query text
             * @property {Array.<tapline.v1.QueryParameter.$Properties>|null} [parameters] Query parameters
             * @property {string|null} [commandTag] Query commandTag
             * @property {number|null} [rows] Query rows
             * @property {string|null} [errorCode] Query errorCode
             * @property {string|null} [errorMessage] Query errorMessage
             * @property {number|null} [durationNs] Query durationNs
             * @property {string|null} [database] Query database
             * @property {number|null} [startedOffsetNs] Query startedOffsetNs
             * @property {string|null} [mode] Query mode
             * @property {string|null} [kind] Query kind
             * @property {string|null} [statement] Query statement
             * @property {string|null} [portal] Query portal
             * @property {string|null} [transactionStatus] Query transactionStatus
             * @property {number|null} [copyBytes] Query copyBytes
             * @property {number|null} [warnings] Query warnings
             * @property {string|null} [errorSeverity] Query errorSeverity
             * @property {string|null} [statementType] Query statementType
             * @property {number|null} [lastInsertId] Query lastInsertId
             * @property {string|null} [channel] Query channel
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Query.
             * @memberof tapline.v1
             * @interface IQuery
             * @augments tapline.v1.Query.$Properties
             * @deprecated Use tapline.v1.Query.$Properties instead.
             */

            /**
             * Shape of a Query.
             * @typedef {tapline.v1.Query.$Properties} tapline.v1.Query.$Shape
             */

            /**
             * Constructs a new Query.
             * @memberof tapline.v1
             * @classdesc Represents a Query.
             * @constructor
             * @param {tapline.v1.Query.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Query = function (properties) {
                this.parameters = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Query streamId.
             * @member {number} streamId
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.streamId = 0;

            /**
             * Query text.
             * @member {string} text
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.text = "";

            /**
             * Query parameters.
             * @member {Array.<tapline.v1.QueryParameter.$Properties>} parameters
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.parameters = $util.emptyArray;

            /**
             * Query commandTag.
             * @member {string} commandTag
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.commandTag = "";

            /**
             * Query rows.
             * @member {number|null|undefined} rows
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.rows = null;

            /**
             * Query errorCode.
             * @member {string} errorCode
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.errorCode = "";

            /**
             * Query errorMessage.
             * @member {string} errorMessage
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.errorMessage = "";

            /**
             * Query durationNs.
             * @member {number} durationNs
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.durationNs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Query database.
             * @member {string} database
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.database = "";

            /**
             * Query startedOffsetNs.
             * @member {number} startedOffsetNs
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.startedOffsetNs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Query mode.
             * @member {string} mode
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.mode = "";

            /**
             * Query kind.
             * @member {string} kind
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.kind = "";

            /**
             * Query statement.
             * @member {string} statement
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.statement = "";

            /**
             * Query portal.
             * @member {string} portal
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.portal = "";

            /**
             * Query transactionStatus.
             * @member {string} transactionStatus
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.transactionStatus = "";

            /**
             * Query copyBytes.
             * @member {number|null|undefined} copyBytes
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.copyBytes = null;

            /**
             * Query warnings.
             * @member {number} warnings
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.warnings = 0;

            /**
             * Query errorSeverity.
             * @member {string} errorSeverity
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.errorSeverity = "";

            /**
             * Query statementType.
             * @member {string} statementType
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.statementType = "";

            /**
             * Query lastInsertId.
             * @member {number|null|undefined} lastInsertId
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.lastInsertId = null;

            /**
             * Query channel.
             * @member {string} channel
             * @memberof tapline.v1.Query
             * @instance
             */
            Query.prototype.channel = "";

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Query.prototype, "_rows", {
                get: $util.oneOfGetter($oneOfFields = ["rows"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Query.prototype, "_copyBytes", {
                get: $util.oneOfGetter($oneOfFields = ["copyBytes"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Query.prototype, "_lastInsertId", {
                get: $util.oneOfGetter($oneOfFields = ["lastInsertId"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Encodes the specified Query message. Does not implicitly {@link tapline.v1.Query.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.Query
             * @static
             * @param {tapline.v1.Query.$Properties} message Query message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Query.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId") && message.streamId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.streamId);
                if (message.text != null && $Object.hasOwnProperty.call(message, "text") && message.text !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.text);
                if (message.parameters != null && message.parameters.length)
                    for (let i = 0; i < message.parameters.length; ++i)
                        $root.tapline.v1.QueryParameter.encode(message.parameters[i], writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.commandTag != null && $Object.hasOwnProperty.call(message, "commandTag") && message.commandTag !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.commandTag);
                if (message.rows != null && $Object.hasOwnProperty.call(message, "rows"))
                    writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.rows);
                if (message.errorCode != null && $Object.hasOwnProperty.call(message, "errorCode") && message.errorCode !== "")
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.errorCode);
                if (message.errorMessage != null && $Object.hasOwnProperty.call(message, "errorMessage") && message.errorMessage !== "")
                    writer.uint32(/* id 7, wireType 2 =*/58).string(message.errorMessage);
                if (message.durationNs != null && $Object.hasOwnProperty.call(message, "durationNs") && (typeof message.durationNs === "object" ? message.durationNs.low || message.durationNs.high : message.durationNs !== 0))
                    writer.uint32(/* id 8, wireType 0 =*/64).uint64(message.durationNs);
                if (message.database != null && $Object.hasOwnProperty.call(message, "database") && message.database !== "")
                    writer.uint32(/* id 9, wireType 2 =*/74).string(message.database);
                if (message.startedOffsetNs != null && $Object.hasOwnProperty.call(message, "startedOffsetNs") && (typeof message.startedOffsetNs === "object" ? message.startedOffsetNs.low || message.startedOffsetNs.high : message.startedOffsetNs !== 0))
                    writer.uint32(/* id 10, wireType 0 =*/80).uint64(message.startedOffsetNs);
                if (message.mode != null && $Object.hasOwnProperty.call(message, "mode") && message.mode !== "")
                    writer.uint32(/* id 11, wireType 2 =*/90).string(message.mode);
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind") && message.kind !== "")
                    writer.uint32(/* id 12, wireType 2 =*/98).string(message.kind);
                if (message.statement != null && $Object.hasOwnProperty.call(message, "statement") && message.statement !== "")
                    writer.uint32(/* id 13, wireType 2 =*/106).string(message.statement);
                if (message.portal != null && $Object.hasOwnProperty.call(message, "portal") && message.portal !== "")
                    writer.uint32(/* id 14, wireType 2 =*/114).string(message.portal);
                if (message.transactionStatus != null && $Object.hasOwnProperty.call(message, "transactionStatus") && message.transactionStatus !== "")
                    writer.uint32(/* id 15, wireType 2 =*/122).string(message.transactionStatus);
                if (message.copyBytes != null && $Object.hasOwnProperty.call(message, "copyBytes"))
                    writer.uint32(/* id 16, wireType 0 =*/128).uint64(message.copyBytes);
                if (message.warnings != null && $Object.hasOwnProperty.call(message, "warnings") && message.warnings !== 0)
                    writer.uint32(/* id 17, wireType 0 =*/136).uint32(message.warnings);
                if (message.errorSeverity != null && $Object.hasOwnProperty.call(message, "errorSeverity") && message.errorSeverity !== "")
                    writer.uint32(/* id 18, wireType 2 =*/146).string(message.errorSeverity);
                if (message.statementType != null && $Object.hasOwnProperty.call(message, "statementType") && message.statementType !== "")
                    writer.uint32(/* id 19, wireType 2 =*/154).string(message.statementType);
                if (message.lastInsertId != null && $Object.hasOwnProperty.call(message, "lastInsertId"))
                    writer.uint32(/* id 20, wireType 0 =*/160).uint64(message.lastInsertId);
                if (message.channel != null && $Object.hasOwnProperty.call(message, "channel") && message.channel !== "")
                    writer.uint32(/* id 21, wireType 2 =*/170).string(message.channel);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Query message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.Query
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.Query & tapline.v1.Query.$Shape} Query
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Query.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.Query();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.streamId = value;
                            else
                                delete message.streamId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.text = value;
                            else
                                delete message.text;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if (!(message.parameters && message.parameters.length))
                                message.parameters = [];
                            message.parameters.push($root.tapline.v1.QueryParameter.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.commandTag = value;
                            else
                                delete message.commandTag;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            message.rows = reader.uint64();
                            message._rows = "rows";
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.errorCode = value;
                            else
                                delete message.errorCode;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.errorMessage = value;
                            else
                                delete message.errorMessage;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.durationNs = value;
                            else
                                delete message.durationNs;
                            continue;
                        }
                    case 9: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.database = value;
                            else
                                delete message.database;
                            continue;
                        }
                    case 10: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.startedOffsetNs = value;
                            else
                                delete message.startedOffsetNs;
                            continue;
                        }
                    case 11: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.mode = value;
                            else
                                delete message.mode;
                            continue;
                        }
                    case 12: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.kind = value;
                            else
                                delete message.kind;
                            continue;
                        }
                    case 13: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.statement = value;
                            else
                                delete message.statement;
                            continue;
                        }
                    case 14: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.portal = value;
                            else
                                delete message.portal;
                            continue;
                        }
                    case 15: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.transactionStatus = value;
                            else
                                delete message.transactionStatus;
                            continue;
                        }
                    case 16: {
                            if (wireType !== 0)
                                break;
                            message.copyBytes = reader.uint64();
                            message._copyBytes = "copyBytes";
                            continue;
                        }
                    case 17: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.warnings = value;
                            else
                                delete message.warnings;
                            continue;
                        }
                    case 18: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.errorSeverity = value;
                            else
                                delete message.errorSeverity;
                            continue;
                        }
                    case 19: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.statementType = value;
                            else
                                delete message.statementType;
                            continue;
                        }
                    case 20: {
                            if (wireType !== 0)
                                break;
                            message.lastInsertId = reader.uint64();
                            message._lastInsertId = "lastInsertId";
                            continue;
                        }
                    case 21: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.channel = value;
                            else
                                delete message.channel;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a Query message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.Query
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.Query} Query
             */
            Query.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.Query)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.Query: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.Query();
                if (object.streamId != null)
                    if ($Number(object.streamId) !== 0)
                        message.streamId = object.streamId >>> 0;
                if (object.text != null)
                    if (typeof object.text !== "string" || object.text.length)
                        message.text = $String(object.text);
                if (object.parameters) {
                    if (!$Array.isArray(object.parameters))
                        throw $TypeError(".tapline.v1.Query.parameters: array expected");
                    message.parameters = $Array(object.parameters.length);
                    for (let i = 0; i < object.parameters.length; ++i) {
                        if (!$util.isObject(object.parameters[i]))
                            throw $TypeError(".tapline.v1.Query.parameters: object expected");
                        message.parameters[i] = $root.tapline.v1.QueryParameter.fromObject(object.parameters[i], _depth + 1);
                    }
                }
                if (object.commandTag != null)
                    if (typeof object.commandTag !== "string" || object.commandTag.length)
                        message.commandTag = $String(object.commandTag);
                if (object.rows != null)
                    if ($util.Long)
                        message.rows = $util.Long.fromValue(object.rows, true);
                    else if (typeof object.rows === "string")
                        message.rows = $parseInt(object.rows, 10);
                    else if (typeof object.rows === "number")
                        message.rows = object.rows;
                    else if (typeof object.rows === "object")
                        message.rows = new $util.LongBits(object.rows.low >>> 0, object.rows.high >>> 0).toNumber(true);
                if (object.errorCode != null)
                    if (typeof object.errorCode !== "string" || object.errorCode.length)
                        message.errorCode = $String(object.errorCode);
                if (object.errorMessage != null)
                    if (typeof object.errorMessage !== "string" || object.errorMessage.length)
                        message.errorMessage = $String(object.errorMessage);
                if (object.durationNs != null)
                    if (typeof object.durationNs === "object" ? object.durationNs.low || object.durationNs.high : $Number(object.durationNs) !== 0)
                        if ($util.Long)
                            message.durationNs = $util.Long.fromValue(object.durationNs, true);
                        else if (typeof object.durationNs === "string")
                            message.durationNs = $parseInt(object.durationNs, 10);
                        else if (typeof object.durationNs === "number")
                            message.durationNs = object.durationNs;
                        else if (typeof object.durationNs === "object")
                            message.durationNs = new $util.LongBits(object.durationNs.low >>> 0, object.durationNs.high >>> 0).toNumber(true);
                if (object.database != null)
                    if (typeof object.database !== "string" || object.database.length)
                        message.database = $String(object.database);
                if (object.startedOffsetNs != null)
                    if (typeof object.startedOffsetNs === "object" ? object.startedOffsetNs.low || object.startedOffsetNs.high : $Number(object.startedOffsetNs) !== 0)
                        if ($util.Long)
                            message.startedOffsetNs = $util.Long.fromValue(object.startedOffsetNs, true);
                        else if (typeof object.startedOffsetNs === "string")
                            message.startedOffsetNs = $parseInt(object.startedOffsetNs, 10);
                        else if (typeof object.startedOffsetNs === "number")
                            message.startedOffsetNs = object.startedOffsetNs;
                        else if (typeof object.startedOffsetNs === "object")
                            message.startedOffsetNs = new $util.LongBits(object.startedOffsetNs.low >>> 0, object.startedOffsetNs.high >>> 0).toNumber(true);
                if (object.mode != null)
                    if (typeof object.mode !== "string" || object.mode.length)
                        message.mode = $String(object.mode);
                if (object.kind != null)
                    if (typeof object.kind !== "string" || object.kind.length)
                        message.kind = $String(object.kind);
                if (object.statement != null)
                    if (typeof object.statement !== "string" || object.statement.length)
                        message.statement = $String(object.statement);
                if (object.portal != null)
                    if (typeof object.portal !== "string" || object.portal.length)
                        message.portal = $String(object.portal);
                if (object.transactionStatus != null)
                    if (typeof object.transactionStatus !== "string" || object.transactionStatus.length)
                        message.transactionStatus = $String(object.transactionStatus);
                if (object.copyBytes != null)
                    if ($util.Long)
                        message.copyBytes = $util.Long.fromValue(object.copyBytes, true);
                    else if (typeof object.copyBytes === "string")
                        message.copyBytes = $parseInt(object.copyBytes, 10);
                    else if (typeof object.copyBytes === "number")
                        message.copyBytes = object.copyBytes;
                    else if (typeof object.copyBytes === "object")
                        message.copyBytes = new $util.LongBits(object.copyBytes.low >>> 0, object.copyBytes.high >>> 0).toNumber(true);
                if (object.warnings != null)
                    if ($Number(object.warnings) !== 0)
                        message.warnings = object.warnings >>> 0;
                if (object.errorSeverity != null)
                    if (typeof object.errorSeverity !== "string" || object.errorSeverity.length)
                        message.errorSeverity = $String(object.errorSeverity);
                if (object.statementType != null)
                    if (typeof object.statementType !== "string" || object.statementType.length)
                        message.statementType = $String(object.statementType);
                if (object.lastInsertId != null)
                    if ($util.Long)
                        message.lastInsertId = $util.Long.fromValue(object.lastInsertId, true);
                    else if (typeof object.lastInsertId === "string")
                        message.lastInsertId = $parseInt(object.lastInsertId, 10);
                    else if (typeof object.lastInsertId === "number")
                        message.lastInsertId = object.lastInsertId;
                    else if (typeof object.lastInsertId === "object")
                        message.lastInsertId = new $util.LongBits(object.lastInsertId.low >>> 0, object.lastInsertId.high >>> 0).toNumber(true);
                if (object.channel != null)
                    if (typeof object.channel !== "string" || object.channel.length)
                        message.channel = $String(object.channel);
                return message;
            };

            /**
             * Creates a plain object from a Query message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.Query
             * @static
             * @param {tapline.v1.Query} message Query
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Query.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults)
                    object.parameters = [];
                if (options.defaults) {
                    object.streamId = 0;
                    object.text = "";
                    object.commandTag = "";
                    object.errorCode = "";
                    object.errorMessage = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.durationNs = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.durationNs = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.database = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.startedOffsetNs = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.startedOffsetNs = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.mode = "";
                    object.kind = "";
                    object.statement = "";
                    object.portal = "";
                    object.transactionStatus = "";
                    object.warnings = 0;
                    object.errorSeverity = "";
                    object.statementType = "";
                    object.channel = "";
                }
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId"))
                    object.streamId = message.streamId;
                if (message.text != null && $Object.hasOwnProperty.call(message, "text"))
                    object.text = message.text;
                if (message.parameters && message.parameters.length) {
                    object.parameters = $Array(message.parameters.length);
                    for (let j = 0; j < message.parameters.length; ++j)
                        object.parameters[j] = $root.tapline.v1.QueryParameter.toObject(message.parameters[j], options, _depth + 1);
                }
                if (message.commandTag != null && $Object.hasOwnProperty.call(message, "commandTag"))
                    object.commandTag = message.commandTag;
                if (message.rows != null && $Object.hasOwnProperty.call(message, "rows"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.rows = typeof message.rows === "number" ? $BigInt(message.rows) : $util.Long.fromBits(message.rows.low >>> 0, message.rows.high >>> 0, true).toBigInt();
                    else if (typeof message.rows === "number")
                        object.rows = options.longs === $String ? $String(message.rows) : message.rows;
                    else
                        object.rows = options.longs === $String ? $util.Long.prototype.toString.call(message.rows) : options.longs === $Number ? new $util.LongBits(message.rows.low >>> 0, message.rows.high >>> 0).toNumber(true) : message.rows;
                if (message.errorCode != null && $Object.hasOwnProperty.call(message, "errorCode"))
                    object.errorCode = message.errorCode;
                if (message.errorMessage != null && $Object.hasOwnProperty.call(message, "errorMessage"))
                    object.errorMessage = message.errorMessage;
                if (message.durationNs != null && $Object.hasOwnProperty.call(message, "durationNs"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.durationNs = typeof message.durationNs === "number" ? $BigInt(message.durationNs) : $util.Long.fromBits(message.durationNs.low >>> 0, message.durationNs.high >>> 0, true).toBigInt();
                    else if (typeof message.durationNs === "number")
                        object.durationNs = options.longs === $String ? $String(message.durationNs) : message.durationNs;
                    else
                        object.durationNs = options.longs === $String ? $util.Long.prototype.toString.call(message.durationNs) : options.longs === $Number ? new $util.LongBits(message.durationNs.low >>> 0, message.durationNs.high >>> 0).toNumber(true) : message.durationNs;
                if (message.database != null && $Object.hasOwnProperty.call(message, "database"))
                    object.database = message.database;
                if (message.startedOffsetNs != null && $Object.hasOwnProperty.call(message, "startedOffsetNs"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.startedOffsetNs = typeof message.startedOffsetNs === "number" ? $BigInt(message.startedOffsetNs) : $util.Long.fromBits(message.startedOffsetNs.low >>> 0, message.startedOffsetNs.high >>> 0, true).toBigInt();
                    else if (typeof message.startedOffsetNs === "number")
                        object.startedOffsetNs = options.longs === $String ? $String(message.startedOffsetNs) : message.startedOffsetNs;
                    else
                        object.startedOffsetNs = options.longs === $String ? $util.Long.prototype.toString.call(message.startedOffsetNs) : options.longs === $Number ? new $util.LongBits(message.startedOffsetNs.low >>> 0, message.startedOffsetNs.high >>> 0).toNumber(true) : message.startedOffsetNs;
                if (message.mode != null && $Object.hasOwnProperty.call(message, "mode"))
                    object.mode = message.mode;
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind"))
                    object.kind = message.kind;
                if (message.statement != null && $Object.hasOwnProperty.call(message, "statement"))
                    object.statement = message.statement;
                if (message.portal != null && $Object.hasOwnProperty.call(message, "portal"))
                    object.portal = message.portal;
                if (message.transactionStatus != null && $Object.hasOwnProperty.call(message, "transactionStatus"))
                    object.transactionStatus = message.transactionStatus;
                if (message.copyBytes != null && $Object.hasOwnProperty.call(message, "copyBytes"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.copyBytes = typeof message.copyBytes === "number" ? $BigInt(message.copyBytes) : $util.Long.fromBits(message.copyBytes.low >>> 0, message.copyBytes.high >>> 0, true).toBigInt();
                    else if (typeof message.copyBytes === "number")
                        object.copyBytes = options.longs === $String ? $String(message.copyBytes) : message.copyBytes;
                    else
                        object.copyBytes = options.longs === $String ? $util.Long.prototype.toString.call(message.copyBytes) : options.longs === $Number ? new $util.LongBits(message.copyBytes.low >>> 0, message.copyBytes.high >>> 0).toNumber(true) : message.copyBytes;
                if (message.warnings != null && $Object.hasOwnProperty.call(message, "warnings"))
                    object.warnings = message.warnings;
                if (message.errorSeverity != null && $Object.hasOwnProperty.call(message, "errorSeverity"))
                    object.errorSeverity = message.errorSeverity;
                if (message.statementType != null && $Object.hasOwnProperty.call(message, "statementType"))
                    object.statementType = message.statementType;
                if (message.lastInsertId != null && $Object.hasOwnProperty.call(message, "lastInsertId"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.lastInsertId = typeof message.lastInsertId === "number" ? $BigInt(message.lastInsertId) : $util.Long.fromBits(message.lastInsertId.low >>> 0, message.lastInsertId.high >>> 0, true).toBigInt();
                    else if (typeof message.lastInsertId === "number")
                        object.lastInsertId = options.longs === $String ? $String(message.lastInsertId) : message.lastInsertId;
                    else
                        object.lastInsertId = options.longs === $String ? $util.Long.prototype.toString.call(message.lastInsertId) : options.longs === $Number ? new $util.LongBits(message.lastInsertId.low >>> 0, message.lastInsertId.high >>> 0).toNumber(true) : message.lastInsertId;
                if (message.channel != null && $Object.hasOwnProperty.call(message, "channel"))
                    object.channel = message.channel;
                return object;
            };

            /**
             * Converts this Query to JSON.
             * @function toJSON
             * @memberof tapline.v1.Query
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Query.prototype.toJSON = function() {
                return Query.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Query;
        })();

        v1.ApiCall = (function() {

            /**
             * Properties of an ApiCall.
             * @typedef {Object} tapline.v1.ApiCall.$Properties
             * @property {number|null} [streamId] ApiCall streamId
             * @property {string|null} [verb] ApiCall verb
             * @property {string|null} [method] ApiCall method
             * @property {string|null} [path] ApiCall path
             * @property {string|null} [apiGroup] ApiCall apiGroup
             * @property {string|null} [apiVersion] ApiCall apiVersion
             * @property {string|null} [resource] ApiCall resource
             * @property {string|null} [subresource] ApiCall subresource
             * @property {string|null} [namespace] ApiCall namespace
             * @property {string|null} [name] ApiCall name
             * @property {number|null} [statusCode] ApiCall statusCode
             * @property {number|null} [durationNs] ApiCall durationNs
             * @property {Uint8Array|null} [requestBody] ApiCall requestBody
             * @property {boolean|null} [requestBodyTruncated] ApiCall requestBodyTruncated
             * @property {number|null} [requestBytes] ApiCall requestBytes
             * @property {number|null} [responseBytes] ApiCall responseBytes
             * @property {string|null} [userAgent] ApiCall userAgent
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an ApiCall.
             * @memberof tapline.v1
             * @interface IApiCall
             * @augments tapline.v1.ApiCall.$Properties
             * @deprecated Use tapline.v1.ApiCall.$Properties instead.
             */

            /**
             * Shape of an ApiCall.
             * @typedef {tapline.v1.ApiCall.$Properties} tapline.v1.ApiCall.$Shape
             */

            /**
             * Constructs a new ApiCall.
             * @memberof tapline.v1
             * @classdesc Represents an ApiCall.
             * @constructor
             * @param {tapline.v1.ApiCall.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const ApiCall = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * ApiCall streamId.
             * @member {number} streamId
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.streamId = 0;

            /**
             * ApiCall verb.
             * @member {string} verb
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.verb = "";

            /**
             * ApiCall method.
             * @member {string} method
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.method = "";

            /**
             * ApiCall path.
             * @member {string} path
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.path = "";

            /**
             * ApiCall apiGroup.
             * @member {string} apiGroup
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.apiGroup = "";

            /**
             * ApiCall apiVersion.
             * @member {string} apiVersion
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.apiVersion = "";

            /**
             * ApiCall resource.
             * @member {string} resource
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.resource = "";

            /**
             * ApiCall subresource.
             * @member {string} subresource
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.subresource = "";

            /**
             * ApiCall namespace.
             * @member {string} namespace
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.namespace = "";

            /**
             * ApiCall name.
             * @member {string} name
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.name = "";

            /**
             * ApiCall statusCode.
             * @member {number} statusCode
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.statusCode = 0;

            /**
             * ApiCall durationNs.
             * @member {number} durationNs
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.durationNs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ApiCall requestBody.
             * @member {Uint8Array} requestBody
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.requestBody = $util.newBuffer([]);

            /**
             * ApiCall requestBodyTruncated.
             * @member {boolean} requestBodyTruncated
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.requestBodyTruncated = false;

            /**
             * ApiCall requestBytes.
             * @member {number} requestBytes
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.requestBytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ApiCall responseBytes.
             * @member {number} responseBytes
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.responseBytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * ApiCall userAgent.
             * @member {string} userAgent
             * @memberof tapline.v1.ApiCall
             * @instance
             */
            ApiCall.prototype.userAgent = "";

            /**
             * Encodes the specified ApiCall message. Does not implicitly {@link tapline.v1.ApiCall.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.ApiCall
             * @static
             * @param {tapline.v1.ApiCall.$Properties} message ApiCall message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            ApiCall.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId") && message.streamId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.streamId);
                if (message.verb != null && $Object.hasOwnProperty.call(message, "verb") && message.verb !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.verb);
                if (message.method != null && $Object.hasOwnProperty.call(message, "method") && message.method !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.method);
                if (message.path != null && $Object.hasOwnProperty.call(message, "path") && message.path !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.path);
                if (message.apiGroup != null && $Object.hasOwnProperty.call(message, "apiGroup") && message.apiGroup !== "")
                    writer.uint32(/* id 5, wireType 2 =*/42).string(message.apiGroup);
                if (message.apiVersion != null && $Object.hasOwnProperty.call(message, "apiVersion") && message.apiVersion !== "")
                    writer.uint32(/* id 6, wireType 2 =*/50).string(message.apiVersion);
                if (message.resource != null && $Object.hasOwnProperty.call(message, "resource") && message.resource !== "")
                    writer.uint32(/* id 7, wireType 2 =*/58).string(message.resource);
                if (message.subresource != null && $Object.hasOwnProperty.call(message, "subresource") && message.subresource !== "")
                    writer.uint32(/* id 8, wireType 2 =*/66).string(message.subresource);
                if (message.namespace != null && $Object.hasOwnProperty.call(message, "namespace") && message.namespace !== "")
                    writer.uint32(/* id 9, wireType 2 =*/74).string(message.namespace);
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 10, wireType 2 =*/82).string(message.name);
                if (message.statusCode != null && $Object.hasOwnProperty.call(message, "statusCode") && message.statusCode !== 0)
                    writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.statusCode);
                if (message.durationNs != null && $Object.hasOwnProperty.call(message, "durationNs") && (typeof message.durationNs === "object" ? message.durationNs.low || message.durationNs.high : message.durationNs !== 0))
                    writer.uint32(/* id 12, wireType 0 =*/96).uint64(message.durationNs);
                if (message.requestBody != null && $Object.hasOwnProperty.call(message, "requestBody") && message.requestBody.length)
                    writer.uint32(/* id 13, wireType 2 =*/106).bytes(message.requestBody);
                if (message.requestBodyTruncated != null && $Object.hasOwnProperty.call(message, "requestBodyTruncated") && message.requestBodyTruncated !== false)
                    writer.uint32(/* id 14, wireType 0 =*/112).bool(message.requestBodyTruncated);
                if (message.requestBytes != null && $Object.hasOwnProperty.call(message, "requestBytes") && (typeof message.requestBytes === "object" ? message.requestBytes.low || message.requestBytes.high : message.requestBytes !== 0))
                    writer.uint32(/* id 15, wireType 0 =*/120).uint64(message.requestBytes);
                if (message.responseBytes != null && $Object.hasOwnProperty.call(message, "responseBytes") && (typeof message.responseBytes === "object" ? message.responseBytes.low || message.responseBytes.high : message.responseBytes !== 0))
                    writer.uint32(/* id 16, wireType 0 =*/128).uint64(message.responseBytes);
                if (message.userAgent != null && $Object.hasOwnProperty.call(message, "userAgent") && message.userAgent !== "")
                    writer.uint32(/* id 17, wireType 2 =*/138).string(message.userAgent);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an ApiCall message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.ApiCall
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.ApiCall & tapline.v1.ApiCall.$Shape} ApiCall
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            ApiCall.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.ApiCall();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.streamId = value;
                            else
                                delete message.streamId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.verb = value;
                            else
                                delete message.verb;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.method = value;
                            else
                                delete message.method;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.path = value;
                            else
                                delete message.path;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.apiGroup = value;
                            else
                                delete message.apiGroup;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.apiVersion = value;
                            else
                                delete message.apiVersion;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.resource = value;
                            else
                                delete message.resource;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.subresource = value;
                            else
                                delete message.subresource;
                            continue;
                        }
                    case 9: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.namespace = value;
                            else
                                delete message.namespace;
                            continue;
                        }
                    case 10: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 11: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.statusCode = value;
                            else
                                delete message.statusCode;
                            continue;
                        }
                    case 12: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.durationNs = value;
                            else
                                delete message.durationNs;
                            continue;
                        }
                    case 13: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.requestBody = value;
                            else
                                delete message.requestBody;
                            continue;
                        }
                    case 14: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.requestBodyTruncated = value;
                            else
                                delete message.requestBodyTruncated;
                            continue;
                        }
                    case 15: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.requestBytes = value;
                            else
                                delete message.requestBytes;
                            continue;
                        }
                    case 16: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.responseBytes = value;
                            else
                                delete message.responseBytes;
                            continue;
                        }
                    case 17: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.userAgent = value;
                            else
                                delete message.userAgent;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates an ApiCall message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.ApiCall
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.ApiCall} ApiCall
             */
            ApiCall.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.ApiCall)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.ApiCall: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.ApiCall();
                if (object.streamId != null)
                    if ($Number(object.streamId) !== 0)
                        message.streamId = object.streamId >>> 0;
                if (object.verb != null)
                    if (typeof object.verb !== "string" || object.verb.length)
                        message.verb = $String(object.verb);
                if (object.method != null)
                    if (typeof object.method !== "string" || object.method.length)
                        message.method = $String(object.method);
                if (object.path != null)
                    if (typeof object.path !== "string" || object.path.length)
                        message.path = $String(object.path);
                if (object.apiGroup != null)
                    if (typeof object.apiGroup !== "string" || object.apiGroup.length)
                        message.apiGroup = $String(object.apiGroup);
                if (object.apiVersion != null)
                    if (typeof object.apiVersion !== "string" || object.apiVersion.length)
                        message.apiVersion = $String(object.apiVersion);
                if (object.resource != null)
                    if (typeof object.resource !== "string" || object.resource.length)
                        message.resource = $String(object.resource);
                if (object.subresource != null)
                    if (typeof object.subresource !== "string" || object.subresource.length)
                        message.subresource = $String(object.subresource);
                if (object.namespace != null)
                    if (typeof object.namespace !== "string" || object.namespace.length)
                        message.namespace = $String(object.namespace);
                if (object.name != null)
                    if (typeof object.name !== "string" || object.name.length)
                        message.name = $String(object.name);
                if (object.statusCode != null)
                    if ($Number(object.statusCode) !== 0)
                        message.statusCode = object.statusCode >>> 0;
                if (object.durationNs != null)
                    if (typeof object.durationNs === "object" ? object.durationNs.low || object.durationNs.high : $Number(object.durationNs) !== 0)
                        if ($util.Long)
                            message.durationNs = $util.Long.fromValue(object.durationNs, true);
                        else if (typeof object.durationNs === "string")
                            message.durationNs = $parseInt(object.durationNs, 10);
                        else if (typeof object.durationNs === "number")
                            message.durationNs = object.durationNs;
                        else if (typeof object.durationNs === "object")
                            message.durationNs = new $util.LongBits(object.durationNs.low >>> 0, object.durationNs.high >>> 0).toNumber(true);
                if (object.requestBody != null)
                    if (object.requestBody.length)
                        if (typeof object.requestBody === "string")
                            $util.base64.decode(object.requestBody, message.requestBody = $util.newBuffer($util.base64.length(object.requestBody)), 0);
                        else if (object.requestBody.length >= 0)
                            message.requestBody = object.requestBody;
                if (object.requestBodyTruncated != null)
                    if (object.requestBodyTruncated)
                        message.requestBodyTruncated = $Boolean(object.requestBodyTruncated);
                if (object.requestBytes != null)
                    if (typeof object.requestBytes === "object" ? object.requestBytes.low || object.requestBytes.high : $Number(object.requestBytes) !== 0)
                        if ($util.Long)
                            message.requestBytes = $util.Long.fromValue(object.requestBytes, true);
                        else if (typeof object.requestBytes === "string")
                            message.requestBytes = $parseInt(object.requestBytes, 10);
                        else if (typeof object.requestBytes === "number")
                            message.requestBytes = object.requestBytes;
                        else if (typeof object.requestBytes === "object")
                            message.requestBytes = new $util.LongBits(object.requestBytes.low >>> 0, object.requestBytes.high >>> 0).toNumber(true);
                if (object.responseBytes != null)
                    if (typeof object.responseBytes === "object" ? object.responseBytes.low || object.responseBytes.high : $Number(object.responseBytes) !== 0)
                        if ($util.Long)
                            message.responseBytes = $util.Long.fromValue(object.responseBytes, true);
                        else if (typeof object.responseBytes === "string")
                            message.responseBytes = $parseInt(object.responseBytes, 10);
                        else if (typeof object.responseBytes === "number")
                            message.responseBytes = object.responseBytes;
                        else if (typeof object.responseBytes === "object")
                            message.responseBytes = new $util.LongBits(object.responseBytes.low >>> 0, object.responseBytes.high >>> 0).toNumber(true);
                if (object.userAgent != null)
                    if (typeof object.userAgent !== "string" || object.userAgent.length)
                        message.userAgent = $String(object.userAgent);
                return message;
            };

            /**
             * Creates a plain object from an ApiCall message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.ApiCall
             * @static
             * @param {tapline.v1.ApiCall} message ApiCall
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            ApiCall.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.streamId = 0;
                    object.verb = "";
                    object.method = "";
                    object.path = "";
                    object.apiGroup = "";
                    object.apiVersion = "";
                    object.resource = "";
                    object.subresource = "";
                    object.namespace = "";
                    object.name = "";
                    object.statusCode = 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.durationNs = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.durationNs = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if (options.bytes === $String)
                        object.requestBody = "";
                    else {
                        object.requestBody = [];
                        if (options.bytes !== $Array)
                            object.requestBody = $util.newBuffer(object.requestBody);
                    }
                    object.requestBodyTruncated = false;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.requestBytes = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.requestBytes = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.responseBytes = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.responseBytes = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.userAgent = "";
                }
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId"))
                    object.streamId = message.streamId;
                if (message.verb != null && $Object.hasOwnProperty.call(message, "verb"))
                    object.verb = message.verb;
                if (message.method != null && $Object.hasOwnProperty.call(message, "method"))
                    object.method = message.method;
                if (message.path != null && $Object.hasOwnProperty.call(message, "path"))
                    object.path = message.path;
                if (message.apiGroup != null && $Object.hasOwnProperty.call(message, "apiGroup"))
                    object.apiGroup = message.apiGroup;
                if (message.apiVersion != null && $Object.hasOwnProperty.call(message, "apiVersion"))
                    object.apiVersion = message.apiVersion;
                if (message.resource != null && $Object.hasOwnProperty.call(message, "resource"))
                    object.resource = message.resource;
                if (message.subresource != null && $Object.hasOwnProperty.call(message, "subresource"))
                    object.subresource = message.subresource;
                if (message.namespace != null && $Object.hasOwnProperty.call(message, "namespace"))
                    object.namespace = message.namespace;
                if (message.name != null && $Object.hasOwnProperty.call(message, "name"))
                    object.name = message.name;
                if (message.statusCode != null && $Object.hasOwnProperty.call(message, "statusCode"))
                    object.statusCode = message.statusCode;
                if (message.durationNs != null && $Object.hasOwnProperty.call(message, "durationNs"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.durationNs = typeof message.durationNs === "number" ? $BigInt(message.durationNs) : $util.Long.fromBits(message.durationNs.low >>> 0, message.durationNs.high >>> 0, true).toBigInt();
                    else if (typeof message.durationNs === "number")
                        object.durationNs = options.longs === $String ? $String(message.durationNs) : message.durationNs;
                    else
                        object.durationNs = options.longs === $String ? $util.Long.prototype.toString.call(message.durationNs) : options.longs === $Number ? new $util.LongBits(message.durationNs.low >>> 0, message.durationNs.high >>> 0).toNumber(true) : message.durationNs;
                if (message.requestBody != null && $Object.hasOwnProperty.call(message, "requestBody"))
                    object.requestBody = options.bytes === $String ? $util.base64.encode(message.requestBody, 0, message.requestBody.length) : options.bytes === $Array ? $Array.prototype.slice.call(message.requestBody) : message.requestBody;
                if (message.requestBodyTruncated != null && $Object.hasOwnProperty.call(message, "requestBodyTruncated"))
                    object.requestBodyTruncated = message.requestBodyTruncated;
                if (message.requestBytes != null && $Object.hasOwnProperty.call(message, "requestBytes"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.requestBytes = typeof message.requestBytes === "number" ? $BigInt(message.requestBytes) : $util.Long.fromBits(message.requestBytes.low >>> 0, message.requestBytes.high >>> 0, true).toBigInt();
                    else if (typeof message.requestBytes === "number")
                        object.requestBytes = options.longs === $String ? $String(message.requestBytes) : message.requestBytes;
                    else
                        object.requestBytes = options.longs === $String ? $util.Long.prototype.toString.call(message.requestBytes) : options.longs === $Number ? new $util.LongBits(message.requestBytes.low >>> 0, message.requestBytes.high >>> 0).toNumber(true) : message.requestBytes;
                if (message.responseBytes != null && $Object.hasOwnProperty.call(message, "responseBytes"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.responseBytes = typeof message.responseBytes === "number" ? $BigInt(message.responseBytes) : $util.Long.fromBits(message.responseBytes.low >>> 0, message.responseBytes.high >>> 0, true).toBigInt();
                    else if (typeof message.responseBytes === "number")
                        object.responseBytes = options.longs === $String ? $String(message.responseBytes) : message.responseBytes;
                    else
                        object.responseBytes = options.longs === $String ? $util.Long.prototype.toString.call(message.responseBytes) : options.longs === $Number ? new $util.LongBits(message.responseBytes.low >>> 0, message.responseBytes.high >>> 0).toNumber(true) : message.responseBytes;
                if (message.userAgent != null && $Object.hasOwnProperty.call(message, "userAgent"))
                    object.userAgent = message.userAgent;
                return object;
            };

            /**
             * Converts this ApiCall to JSON.
             * @function toJSON
             * @memberof tapline.v1.ApiCall
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            ApiCall.prototype.toJSON = function() {
                return ApiCall.toObject(this, $protobuf.util.toJSONOptions);
            };

            return ApiCall;
        })();

        /**
         * FileOperationKind enum.
         * @name tapline.v1.FileOperationKind
         * @enum {number}
         * @property {number} FILE_OPERATION_KIND_UNSPECIFIED=0 FILE_OPERATION_KIND_UNSPECIFIED value
         * @property {number} FILE_OPERATION_KIND_OPEN=1 FILE_OPERATION_KIND_OPEN value
         * @property {number} FILE_OPERATION_KIND_CLOSE=2 FILE_OPERATION_KIND_CLOSE value
         * @property {number} FILE_OPERATION_KIND_READ=3 FILE_OPERATION_KIND_READ value
         * @property {number} FILE_OPERATION_KIND_WRITE=4 FILE_OPERATION_KIND_WRITE value
         * @property {number} FILE_OPERATION_KIND_REMOVE=5 FILE_OPERATION_KIND_REMOVE value
         * @property {number} FILE_OPERATION_KIND_RENAME=6 FILE_OPERATION_KIND_RENAME value
         * @property {number} FILE_OPERATION_KIND_MKDIR=7 FILE_OPERATION_KIND_MKDIR value
         * @property {number} FILE_OPERATION_KIND_RMDIR=8 FILE_OPERATION_KIND_RMDIR value
         * @property {number} FILE_OPERATION_KIND_SETSTAT=9 FILE_OPERATION_KIND_SETSTAT value
         * @property {number} FILE_OPERATION_KIND_SYMLINK=10 FILE_OPERATION_KIND_SYMLINK value
         * @property {number} FILE_OPERATION_KIND_OPENDIR=11 FILE_OPERATION_KIND_OPENDIR value
         * @property {number} FILE_OPERATION_KIND_STAT=12 FILE_OPERATION_KIND_STAT value
         * @property {number} FILE_OPERATION_KIND_READLINK=13 FILE_OPERATION_KIND_READLINK value
         * @property {number} FILE_OPERATION_KIND_REALPATH=14 FILE_OPERATION_KIND_REALPATH value
         * @property {number} FILE_OPERATION_KIND_UPLOAD=15 FILE_OPERATION_KIND_UPLOAD value
         * @property {number} FILE_OPERATION_KIND_DOWNLOAD=16 FILE_OPERATION_KIND_DOWNLOAD value
         */
        v1.FileOperationKind = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "FILE_OPERATION_KIND_UNSPECIFIED"] = 0;
            values[valuesById[1] = "FILE_OPERATION_KIND_OPEN"] = 1;
            values[valuesById[2] = "FILE_OPERATION_KIND_CLOSE"] = 2;
            values[valuesById[3] = "FILE_OPERATION_KIND_READ"] = 3;
            values[valuesById[4] = "FILE_OPERATION_KIND_WRITE"] = 4;
            values[valuesById[5] = "FILE_OPERATION_KIND_REMOVE"] = 5;
            values[valuesById[6] = "FILE_OPERATION_KIND_RENAME"] = 6;
            values[valuesById[7] = "FILE_OPERATION_KIND_MKDIR"] = 7;
            values[valuesById[8] = "FILE_OPERATION_KIND_RMDIR"] = 8;
            values[valuesById[9] = "FILE_OPERATION_KIND_SETSTAT"] = 9;
            values[valuesById[10] = "FILE_OPERATION_KIND_SYMLINK"] = 10;
            values[valuesById[11] = "FILE_OPERATION_KIND_OPENDIR"] = 11;
            values[valuesById[12] = "FILE_OPERATION_KIND_STAT"] = 12;
            values[valuesById[13] = "FILE_OPERATION_KIND_READLINK"] = 13;
            values[valuesById[14] = "FILE_OPERATION_KIND_REALPATH"] = 14;
            values[valuesById[15] = "FILE_OPERATION_KIND_UPLOAD"] = 15;
            values[valuesById[16] = "FILE_OPERATION_KIND_DOWNLOAD"] = 16;
            return values;
        })();

        v1.FileOperation = (function() {

            /**
             * Properties of a FileOperation.
             * @typedef {Object} tapline.v1.FileOperation.$Properties
             * @property {number|null} [streamId] FileOperation streamId
             * @property {tapline.v1.FileOperationKind|null} [kind] FileOperation kind
             * @property {string|null} [path] FileOperation path
             * @property {string|null} [targetPath] FileOperation targetPath
             * @property {Array.<string>|null} [flags] FileOperation flags
             * @property {number|null} [bytesRead] FileOperation bytesRead
             * @property {number|null} [bytesWritten] FileOperation bytesWritten
             * @property {string|null} [status] FileOperation status
             * @property {string|null} [statusMessage] FileOperation statusMessage
             * @property {Object.<string,string>|null} [attributes] FileOperation attributes
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a FileOperation.
             * @memberof tapline.v1
             * @interface IFileOperation
             * @augments tapline.v1.FileOperation.$Properties
             * @deprecated Use tapline.v1.FileOperation.$Properties instead.
             */

            /**
             * Shape of a FileOperation.
             * @typedef {tapline.v1.FileOperation.$Properties} tapline.v1.FileOperation.$Shape
             */

            /**
             * Constructs a new FileOperation.
             * @memberof tapline.v1
             * @classdesc Represents a FileOperation.
             * @constructor
             * @param {tapline.v1.FileOperation.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const FileOperation = function (properties) {
                this.flags = [];
                this.attributes = {};
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * FileOperation streamId.
             * @member {number} streamId
             * @memberof tapline.v1.FileOperation
             * @instance
             */
            FileOperation.prototype.streamId = 0;

            /**
             * FileOperation kind.
             * @member {tapline.v1.FileOperationKind} kind
             * @memberof tapline.v1.FileOperation
             * @instance
             */
            FileOperation.prototype.kind = 0;

            /**
             * FileOperation path.
             * @member {string} path
             * @memberof tapline.v1.FileOperation
             * @instance
             */
            FileOperation.prototype.path = "";

            /**
             * FileOperation targetPath.
             * @member {string} targetPath
             * @memberof tapline.v1.FileOperation
             * @instance
             */
            FileOperation.prototype.targetPath = "";

            /**
             * FileOperation flags.
             * @member {Array.<string>} flags
             * @memberof tapline.v1.FileOperation
             * @instance
             */
            FileOperation.prototype.flags = $util.emptyArray;

            /**
             * FileOperation bytesRead.
             * @member {number} bytesRead
             * @memberof tapline.v1.FileOperation
             * @instance
             */
            FileOperation.prototype.bytesRead = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * FileOperation bytesWritten.
             * @member {number} bytesWritten
             * @memberof tapline.v1.FileOperation
             * @instance
             */
            FileOperation.prototype.bytesWritten = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * FileOperation status.
             * @member {string} status
             * @memberof tapline.v1.FileOperation
             * @instance
             */
            FileOperation.prototype.status = "";

            /**
             * FileOperation statusMessage.
             * @member {string} statusMessage
             * @memberof tapline.v1.FileOperation
             * @instance
             */
            FileOperation.prototype.statusMessage = "";

            /**
             * FileOperation attributes.
             * @member {Object.<string,string>} attributes
             * @memberof tapline.v1.FileOperation
             * @instance
             */
            FileOperation.prototype.attributes = $util.emptyObject;

            /**
             * Encodes the specified FileOperation message. Does not implicitly {@link tapline.v1.FileOperation.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.FileOperation
             * @static
             * @param {tapline.v1.FileOperation.$Properties} message FileOperation message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            FileOperation.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId") && message.streamId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.streamId);
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind") && message.kind !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).int32(message.kind);
                if (message.path != null && $Object.hasOwnProperty.call(message, "path") && message.path !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.path);
                if (message.targetPath != null && $Object.hasOwnProperty.call(message, "targetPath") && message.targetPath !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.targetPath);
                if (message.flags != null && message.flags.length)
                    for (let i = 0; i < message.flags.length; ++i)
                        writer.uint32(/* id 5, wireType 2 =*/42).string(message.flags[i]);
                if (message.bytesRead != null && $Object.hasOwnProperty.call(message, "bytesRead") && (typeof message.bytesRead === "object" ? message.bytesRead.low || message.bytesRead.high : message.bytesRead !== 0))
                    writer.uint32(/* id 6, wireType 0 =*/48).uint64(message.bytesRead);
                if (message.bytesWritten != null && $Object.hasOwnProperty.call(message, "bytesWritten") && (typeof message.bytesWritten === "object" ? message.bytesWritten.low || message.bytesWritten.high : message.bytesWritten !== 0))
                    writer.uint32(/* id 7, wireType 0 =*/56).uint64(message.bytesWritten);
                if (message.status != null && $Object.hasOwnProperty.call(message, "status") && message.status !== "")
                    writer.uint32(/* id 8, wireType 2 =*/66).string(message.status);
                if (message.statusMessage != null && $Object.hasOwnProperty.call(message, "statusMessage") && message.statusMessage !== "")
                    writer.uint32(/* id 9, wireType 2 =*/74).string(message.statusMessage);
                if (message.attributes != null && $Object.hasOwnProperty.call(message, "attributes"))
                    for (let keys = $Object.keys(message.attributes), i = 0; i < keys.length; ++i)
                        writer.uint32(/* id 10, wireType 2 =*/82).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.attributes[keys[i]]).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a FileOperation message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.FileOperation
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.FileOperation & tapline.v1.FileOperation.$Shape} FileOperation
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            FileOperation.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, key, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.FileOperation();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.streamId = value;
                            else
                                delete message.streamId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.kind = value;
                            else
                                delete message.kind;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.path = value;
                            else
                                delete message.path;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.targetPath = value;
                            else
                                delete message.targetPath;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if (!(message.flags && message.flags.length))
                                message.flags = [];
                            message.flags.push(reader.stringVerify());
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bytesRead = value;
                            else
                                delete message.bytesRead;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bytesWritten = value;
                            else
                                delete message.bytesWritten;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.status = value;
                            else
                                delete message.status;
                            continue;
                        }
                    case 9: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.statusMessage = value;
                            else
                                delete message.statusMessage;
                            continue;
                        }
                    case 10: {
                            if (wireType !== 2)
                                break;
                            if (message.attributes === $util.emptyObject)
                                message.attributes = {};
                            let end2 = reader.size() + reader.pos;
                            if (end2 > reader.len)
                                throw $RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = "";
                            while (reader.pos < end2) {
                                let tag2 = reader.tag();
                                wireType = tag2 & 7;
                                switch (tag2 >>>= 3) {
                                case 1:
                                    if (wireType !== 2)
                                        break;
                                    key = reader.stringVerify();
                                    continue;
                                case 2:
                                    if (wireType !== 2)
                                        break;
                                    value = reader.stringVerify();
                                    continue;
                                }
                                reader.skipType(wireType, _depth, tag2);
                            }
                            if (reader.pos !== end2)
                                throw $RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.attributes, key);
                            message.attributes[key] = value;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a FileOperation message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.FileOperation
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.FileOperation} FileOperation
             */
            FileOperation.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.FileOperation)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.FileOperation: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.FileOperation();
                if (object.streamId != null)
                    if ($Number(object.streamId) !== 0)
                        message.streamId = object.streamId >>> 0;
                if (object.kind !== 0 && (typeof object.kind !== "string" || $root.tapline.v1.FileOperationKind[object.kind] !== 0))
                    switch (object.kind) {
                    case "FILE_OPERATION_KIND_UNSPECIFIED":
                    case 0:
                        message.kind = 0;
                        break;
                    case "FILE_OPERATION_KIND_OPEN":
                    case 1:
                        message.kind = 1;
                        break;
                    case "FILE_OPERATION_KIND_CLOSE":
                    case 2:
                        message.kind = 2;
                        break;
                    case "FILE_OPERATION_KIND_READ":
                    case 3:
                        message.kind = 3;
                        break;
                    case "FILE_OPERATION_KIND_WRITE":
                    case 4:
                        message.kind = 4;
                        break;
                    case "FILE_OPERATION_KIND_REMOVE":
                    case 5:
                        message.kind = 5;
                        break;
                    case "FILE_OPERATION_KIND_RENAME":
                    case 6:
                        message.kind = 6;
                        break;
                    case "FILE_OPERATION_KIND_MKDIR":
                    case 7:
                        message.kind = 7;
                        break;
                    case "FILE_OPERATION_KIND_RMDIR":
                    case 8:
                        message.kind = 8;
                        break;
                    case "FILE_OPERATION_KIND_SETSTAT":
                    case 9:
                        message.kind = 9;
                        break;
                    case "FILE_OPERATION_KIND_SYMLINK":
                    case 10:
                        message.kind = 10;
                        break;
                    case "FILE_OPERATION_KIND_OPENDIR":
                    case 11:
                        message.kind = 11;
                        break;
                    case "FILE_OPERATION_KIND_STAT":
                    case 12:
                        message.kind = 12;
                        break;
                    case "FILE_OPERATION_KIND_READLINK":
                    case 13:
                        message.kind = 13;
                        break;
                    case "FILE_OPERATION_KIND_REALPATH":
                    case 14:
                        message.kind = 14;
                        break;
                    case "FILE_OPERATION_KIND_UPLOAD":
                    case 15:
                        message.kind = 15;
                        break;
                    case "FILE_OPERATION_KIND_DOWNLOAD":
                    case 16:
                        message.kind = 16;
                        break;
                    default:
                        if (typeof object.kind === "number" && (object.kind | 0) === object.kind)
                            message.kind = object.kind;
                    }
                if (object.path != null)
                    if (typeof object.path !== "string" || object.path.length)
                        message.path = $String(object.path);
                if (object.targetPath != null)
                    if (typeof object.targetPath !== "string" || object.targetPath.length)
                        message.targetPath = $String(object.targetPath);
                if (object.flags) {
                    if (!$Array.isArray(object.flags))
                        throw $TypeError(".tapline.v1.FileOperation.flags: array expected");
                    message.flags = $Array(object.flags.length);
                    for (let i = 0; i < object.flags.length; ++i)
                        message.flags[i] = $String(object.flags[i]);
                }
                if (object.bytesRead != null)
                    if (typeof object.bytesRead === "object" ? object.bytesRead.low || object.bytesRead.high : $Number(object.bytesRead) !== 0)
                        if ($util.Long)
                            message.bytesRead = $util.Long.fromValue(object.bytesRead, true);
                        else if (typeof object.bytesRead === "string")
                            message.bytesRead = $parseInt(object.bytesRead, 10);
                        else if (typeof object.bytesRead === "number")
                            message.bytesRead = object.bytesRead;
                        else if (typeof object.bytesRead === "object")
                            message.bytesRead = new $util.LongBits(object.bytesRead.low >>> 0, object.bytesRead.high >>> 0).toNumber(true);
                if (object.bytesWritten != null)
                    if (typeof object.bytesWritten === "object" ? object.bytesWritten.low || object.bytesWritten.high : $Number(object.bytesWritten) !== 0)
                        if ($util.Long)
                            message.bytesWritten = $util.Long.fromValue(object.bytesWritten, true);
                        else if (typeof object.bytesWritten === "string")
                            message.bytesWritten = $parseInt(object.bytesWritten, 10);
                        else if (typeof object.bytesWritten === "number")
                            message.bytesWritten = object.bytesWritten;
                        else if (typeof object.bytesWritten === "object")
                            message.bytesWritten = new $util.LongBits(object.bytesWritten.low >>> 0, object.bytesWritten.high >>> 0).toNumber(true);
                if (object.status != null)
                    if (typeof object.status !== "string" || object.status.length)
                        message.status = $String(object.status);
                if (object.statusMessage != null)
                    if (typeof object.statusMessage !== "string" || object.statusMessage.length)
                        message.statusMessage = $String(object.statusMessage);
                if (object.attributes) {
                    if (!$util.isObject(object.attributes))
                        throw $TypeError(".tapline.v1.FileOperation.attributes: object expected");
                    message.attributes = {};
                    for (let keys = $Object.keys(object.attributes), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.attributes, keys[i]);
                        message.attributes[keys[i]] = $String(object.attributes[keys[i]]);
                    }
                }
                return message;
            };

            /**
             * Creates a plain object from a FileOperation message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.FileOperation
             * @static
             * @param {tapline.v1.FileOperation} message FileOperation
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            FileOperation.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.arrays || options.defaults)
                    object.flags = [];
                if (options.objects || options.defaults)
                    object.attributes = {};
                if (options.defaults) {
                    object.streamId = 0;
                    object.kind = options.enums === $String ? "FILE_OPERATION_KIND_UNSPECIFIED" : 0;
                    object.path = "";
                    object.targetPath = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bytesRead = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bytesRead = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bytesWritten = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bytesWritten = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                    object.status = "";
                    object.statusMessage = "";
                }
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId"))
                    object.streamId = message.streamId;
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind"))
                    object.kind = options.enums === $String ? $root.tapline.v1.FileOperationKind[message.kind] === $undefined ? message.kind : $root.tapline.v1.FileOperationKind[message.kind] : message.kind;
                if (message.path != null && $Object.hasOwnProperty.call(message, "path"))
                    object.path = message.path;
                if (message.targetPath != null && $Object.hasOwnProperty.call(message, "targetPath"))
                    object.targetPath = message.targetPath;
                if (message.flags && message.flags.length) {
                    object.flags = $Array(message.flags.length);
                    for (let j = 0; j < message.flags.length; ++j)
                        object.flags[j] = message.flags[j];
                }
                if (message.bytesRead != null && $Object.hasOwnProperty.call(message, "bytesRead"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bytesRead = typeof message.bytesRead === "number" ? $BigInt(message.bytesRead) : $util.Long.fromBits(message.bytesRead.low >>> 0, message.bytesRead.high >>> 0, true).toBigInt();
                    else if (typeof message.bytesRead === "number")
                        object.bytesRead = options.longs === $String ? $String(message.bytesRead) : message.bytesRead;
                    else
                        object.bytesRead = options.longs === $String ? $util.Long.prototype.toString.call(message.bytesRead) : options.longs === $Number ? new $util.LongBits(message.bytesRead.low >>> 0, message.bytesRead.high >>> 0).toNumber(true) : message.bytesRead;
                if (message.bytesWritten != null && $Object.hasOwnProperty.call(message, "bytesWritten"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bytesWritten = typeof message.bytesWritten === "number" ? $BigInt(message.bytesWritten) : $util.Long.fromBits(message.bytesWritten.low >>> 0, message.bytesWritten.high >>> 0, true).toBigInt();
                    else if (typeof message.bytesWritten === "number")
                        object.bytesWritten = options.longs === $String ? $String(message.bytesWritten) : message.bytesWritten;
                    else
                        object.bytesWritten = options.longs === $String ? $util.Long.prototype.toString.call(message.bytesWritten) : options.longs === $Number ? new $util.LongBits(message.bytesWritten.low >>> 0, message.bytesWritten.high >>> 0).toNumber(true) : message.bytesWritten;
                if (message.status != null && $Object.hasOwnProperty.call(message, "status"))
                    object.status = message.status;
                if (message.statusMessage != null && $Object.hasOwnProperty.call(message, "statusMessage"))
                    object.statusMessage = message.statusMessage;
                let keys2;
                if (message.attributes && (keys2 = $Object.keys(message.attributes)).length) {
                    object.attributes = {};
                    for (let j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.attributes, keys2[j]);
                        object.attributes[keys2[j]] = message.attributes[keys2[j]];
                    }
                }
                return object;
            };

            /**
             * Converts this FileOperation to JSON.
             * @function toJSON
             * @memberof tapline.v1.FileOperation
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            FileOperation.prototype.toJSON = function() {
                return FileOperation.toObject(this, $protobuf.util.toJSONOptions);
            };

            return FileOperation;
        })();

        /**
         * AnnotationKind enum.
         * @name tapline.v1.AnnotationKind
         * @enum {number}
         * @property {number} ANNOTATION_KIND_UNSPECIFIED=0 ANNOTATION_KIND_UNSPECIFIED value
         * @property {number} ANNOTATION_KIND_GAP=1 ANNOTATION_KIND_GAP value
         * @property {number} ANNOTATION_KIND_ERROR=2 ANNOTATION_KIND_ERROR value
         * @property {number} ANNOTATION_KIND_REDACTED=3 ANNOTATION_KIND_REDACTED value
         * @property {number} ANNOTATION_KIND_REFUSED=4 ANNOTATION_KIND_REFUSED value
         * @property {number} ANNOTATION_KIND_NOTE=5 ANNOTATION_KIND_NOTE value
         * @property {number} ANNOTATION_KIND_AUTH=6 ANNOTATION_KIND_AUTH value
         */
        v1.AnnotationKind = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "ANNOTATION_KIND_UNSPECIFIED"] = 0;
            values[valuesById[1] = "ANNOTATION_KIND_GAP"] = 1;
            values[valuesById[2] = "ANNOTATION_KIND_ERROR"] = 2;
            values[valuesById[3] = "ANNOTATION_KIND_REDACTED"] = 3;
            values[valuesById[4] = "ANNOTATION_KIND_REFUSED"] = 4;
            values[valuesById[5] = "ANNOTATION_KIND_NOTE"] = 5;
            values[valuesById[6] = "ANNOTATION_KIND_AUTH"] = 6;
            return values;
        })();

        v1.Annotation = (function() {

            /**
             * Properties of an Annotation.
             * @typedef {Object} tapline.v1.Annotation.$Properties
             * @property {tapline.v1.AnnotationKind|null} [kind] Annotation kind
             * @property {number|null} [streamId] Annotation streamId
             * @property {string|null} [code] Annotation code
             * @property {string|null} [message] Annotation message
             * @property {number|null} [bytesNotRecorded] Annotation bytesNotRecorded
             * @property {Object.<string,string>|null} [details] Annotation details
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Annotation.
             * @memberof tapline.v1
             * @interface IAnnotation
             * @augments tapline.v1.Annotation.$Properties
             * @deprecated Use tapline.v1.Annotation.$Properties instead.
             */

            /**
             * Shape of an Annotation.
             * @typedef {tapline.v1.Annotation.$Properties} tapline.v1.Annotation.$Shape
             */

            /**
             * Constructs a new Annotation.
             * @memberof tapline.v1
             * @classdesc Represents an Annotation.
             * @constructor
             * @param {tapline.v1.Annotation.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Annotation = function (properties) {
                this.details = {};
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Annotation kind.
             * @member {tapline.v1.AnnotationKind} kind
             * @memberof tapline.v1.Annotation
             * @instance
             */
            Annotation.prototype.kind = 0;

            /**
             * Annotation streamId.
             * @member {number} streamId
             * @memberof tapline.v1.Annotation
             * @instance
             */
            Annotation.prototype.streamId = 0;

            /**
             * Annotation code.
             * @member {string} code
             * @memberof tapline.v1.Annotation
             * @instance
             */
            Annotation.prototype.code = "";

            /**
             * Annotation message.
             * @member {string} message
             * @memberof tapline.v1.Annotation
             * @instance
             */
            Annotation.prototype.message = "";

            /**
             * Annotation bytesNotRecorded.
             * @member {number} bytesNotRecorded
             * @memberof tapline.v1.Annotation
             * @instance
             */
            Annotation.prototype.bytesNotRecorded = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Annotation details.
             * @member {Object.<string,string>} details
             * @memberof tapline.v1.Annotation
             * @instance
             */
            Annotation.prototype.details = $util.emptyObject;

            /**
             * Encodes the specified Annotation message. Does not implicitly {@link tapline.v1.Annotation.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.Annotation
             * @static
             * @param {tapline.v1.Annotation.$Properties} message Annotation message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Annotation.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind") && message.kind !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).int32(message.kind);
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId") && message.streamId !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.streamId);
                if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.code);
                if (message.message != null && $Object.hasOwnProperty.call(message, "message") && message.message !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.message);
                if (message.bytesNotRecorded != null && $Object.hasOwnProperty.call(message, "bytesNotRecorded") && (typeof message.bytesNotRecorded === "object" ? message.bytesNotRecorded.low || message.bytesNotRecorded.high : message.bytesNotRecorded !== 0))
                    writer.uint32(/* id 5, wireType 0 =*/40).uint64(message.bytesNotRecorded);
                if (message.details != null && $Object.hasOwnProperty.call(message, "details"))
                    for (let keys = $Object.keys(message.details), i = 0; i < keys.length; ++i)
                        writer.uint32(/* id 6, wireType 2 =*/50).fork().uint32(/* id 1, wireType 2 =*/10).string(keys[i]).uint32(/* id 2, wireType 2 =*/18).string(message.details[keys[i]]).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an Annotation message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.Annotation
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.Annotation & tapline.v1.Annotation.$Shape} Annotation
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Annotation.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, key, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.Annotation();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.kind = value;
                            else
                                delete message.kind;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.streamId = value;
                            else
                                delete message.streamId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.code = value;
                            else
                                delete message.code;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.message = value;
                            else
                                delete message.message;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.bytesNotRecorded = value;
                            else
                                delete message.bytesNotRecorded;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if (message.details === $util.emptyObject)
                                message.details = {};
                            let end2 = reader.size() + reader.pos;
                            if (end2 > reader.len)
                                throw $RangeError("index out of range");
                            reader.len = end2;
                            key = "";
                            value = "";
                            while (reader.pos < end2) {
                                let tag2 = reader.tag();
                                wireType = tag2 & 7;
                                switch (tag2 >>>= 3) {
                                case 1:
                                    if (wireType !== 2)
                                        break;
                                    key = reader.stringVerify();
                                    continue;
                                case 2:
                                    if (wireType !== 2)
                                        break;
                                    value = reader.stringVerify();
                                    continue;
                                }
                                reader.skipType(wireType, _depth, tag2);
                            }
                            if (reader.pos !== end2)
                                throw $RangeError("index out of range");
                            reader.len = end;
                            if (key === "__proto__")
                                $util.makeProp(message.details, key);
                            message.details[key] = value;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates an Annotation message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.Annotation
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.Annotation} Annotation
             */
            Annotation.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.Annotation)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.Annotation: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.Annotation();
                if (object.kind !== 0 && (typeof object.kind !== "string" || $root.tapline.v1.AnnotationKind[object.kind] !== 0))
                    switch (object.kind) {
                    case "ANNOTATION_KIND_UNSPECIFIED":
                    case 0:
                        message.kind = 0;
                        break;
                    case "ANNOTATION_KIND_GAP":
                    case 1:
                        message.kind = 1;
                        break;
                    case "ANNOTATION_KIND_ERROR":
                    case 2:
                        message.kind = 2;
                        break;
                    case "ANNOTATION_KIND_REDACTED":
                    case 3:
                        message.kind = 3;
                        break;
                    case "ANNOTATION_KIND_REFUSED":
                    case 4:
                        message.kind = 4;
                        break;
                    case "ANNOTATION_KIND_NOTE":
                    case 5:
                        message.kind = 5;
                        break;
                    case "ANNOTATION_KIND_AUTH":
                    case 6:
                        message.kind = 6;
                        break;
                    default:
                        if (typeof object.kind === "number" && (object.kind | 0) === object.kind)
                            message.kind = object.kind;
                    }
                if (object.streamId != null)
                    if ($Number(object.streamId) !== 0)
                        message.streamId = object.streamId >>> 0;
                if (object.code != null)
                    if (typeof object.code !== "string" || object.code.length)
                        message.code = $String(object.code);
                if (object.message != null)
                    if (typeof object.message !== "string" || object.message.length)
                        message.message = $String(object.message);
                if (object.bytesNotRecorded != null)
                    if (typeof object.bytesNotRecorded === "object" ? object.bytesNotRecorded.low || object.bytesNotRecorded.high : $Number(object.bytesNotRecorded) !== 0)
                        if ($util.Long)
                            message.bytesNotRecorded = $util.Long.fromValue(object.bytesNotRecorded, true);
                        else if (typeof object.bytesNotRecorded === "string")
                            message.bytesNotRecorded = $parseInt(object.bytesNotRecorded, 10);
                        else if (typeof object.bytesNotRecorded === "number")
                            message.bytesNotRecorded = object.bytesNotRecorded;
                        else if (typeof object.bytesNotRecorded === "object")
                            message.bytesNotRecorded = new $util.LongBits(object.bytesNotRecorded.low >>> 0, object.bytesNotRecorded.high >>> 0).toNumber(true);
                if (object.details) {
                    if (!$util.isObject(object.details))
                        throw $TypeError(".tapline.v1.Annotation.details: object expected");
                    message.details = {};
                    for (let keys = $Object.keys(object.details), i = 0; i < keys.length; ++i) {
                        if (keys[i] === "__proto__")
                            $util.makeProp(message.details, keys[i]);
                        message.details[keys[i]] = $String(object.details[keys[i]]);
                    }
                }
                return message;
            };

            /**
             * Creates a plain object from an Annotation message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.Annotation
             * @static
             * @param {tapline.v1.Annotation} message Annotation
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            Annotation.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.objects || options.defaults)
                    object.details = {};
                if (options.defaults) {
                    object.kind = options.enums === $String ? "ANNOTATION_KIND_UNSPECIFIED" : 0;
                    object.streamId = 0;
                    object.code = "";
                    object.message = "";
                    if ($util.Long) {
                        let long = new $util.Long(0, 0, true);
                        object.bytesNotRecorded = options.longs === $String ? long.toString() : options.longs === $Number ? long.toNumber() : typeof $BigInt !== "undefined" && options.longs === $BigInt ? long.toBigInt() : long;
                    } else
                        object.bytesNotRecorded = options.longs === $String ? "0" : typeof $BigInt !== "undefined" && options.longs === $BigInt ? $BigInt("0") : 0;
                }
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind"))
                    object.kind = options.enums === $String ? $root.tapline.v1.AnnotationKind[message.kind] === $undefined ? message.kind : $root.tapline.v1.AnnotationKind[message.kind] : message.kind;
                if (message.streamId != null && $Object.hasOwnProperty.call(message, "streamId"))
                    object.streamId = message.streamId;
                if (message.code != null && $Object.hasOwnProperty.call(message, "code"))
                    object.code = message.code;
                if (message.message != null && $Object.hasOwnProperty.call(message, "message"))
                    object.message = message.message;
                if (message.bytesNotRecorded != null && $Object.hasOwnProperty.call(message, "bytesNotRecorded"))
                    if (typeof $BigInt !== "undefined" && options.longs === $BigInt)
                        object.bytesNotRecorded = typeof message.bytesNotRecorded === "number" ? $BigInt(message.bytesNotRecorded) : $util.Long.fromBits(message.bytesNotRecorded.low >>> 0, message.bytesNotRecorded.high >>> 0, true).toBigInt();
                    else if (typeof message.bytesNotRecorded === "number")
                        object.bytesNotRecorded = options.longs === $String ? $String(message.bytesNotRecorded) : message.bytesNotRecorded;
                    else
                        object.bytesNotRecorded = options.longs === $String ? $util.Long.prototype.toString.call(message.bytesNotRecorded) : options.longs === $Number ? new $util.LongBits(message.bytesNotRecorded.low >>> 0, message.bytesNotRecorded.high >>> 0).toNumber(true) : message.bytesNotRecorded;
                let keys2;
                if (message.details && (keys2 = $Object.keys(message.details)).length) {
                    object.details = {};
                    for (let j = 0; j < keys2.length; ++j) {
                        if (keys2[j] === "__proto__")
                            $util.makeProp(object.details, keys2[j]);
                        object.details[keys2[j]] = message.details[keys2[j]];
                    }
                }
                return object;
            };

            /**
             * Converts this Annotation to JSON.
             * @function toJSON
             * @memberof tapline.v1.Annotation
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            Annotation.prototype.toJSON = function() {
                return Annotation.toObject(this, $protobuf.util.toJSONOptions);
            };

            return Annotation;
        })();

        v1.SegmentKey = (function() {

            /**
             * Properties of a SegmentKey.
             * @typedef {Object} tapline.v1.SegmentKey.$Properties
             * @property {string|null} [algorithm] SegmentKey algorithm
             * @property {string|null} [keyId] SegmentKey keyId
             * @property {Uint8Array|null} [wrappedKey] SegmentKey wrappedKey
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SegmentKey.
             * @memberof tapline.v1
             * @interface ISegmentKey
             * @augments tapline.v1.SegmentKey.$Properties
             * @deprecated Use tapline.v1.SegmentKey.$Properties instead.
             */

            /**
             * Shape of a SegmentKey.
             * @typedef {tapline.v1.SegmentKey.$Properties} tapline.v1.SegmentKey.$Shape
             */

            /**
             * Constructs a new SegmentKey.
             * @memberof tapline.v1
             * @classdesc Represents a SegmentKey.
             * @constructor
             * @param {tapline.v1.SegmentKey.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SegmentKey = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SegmentKey algorithm.
             * @member {string} algorithm
             * @memberof tapline.v1.SegmentKey
             * @instance
             */
            SegmentKey.prototype.algorithm = "";

            /**
             * SegmentKey keyId.
             * @member {string} keyId
             * @memberof tapline.v1.SegmentKey
             * @instance
             */
            SegmentKey.prototype.keyId = "";

            /**
             * SegmentKey wrappedKey.
             * @member {Uint8Array} wrappedKey
             * @memberof tapline.v1.SegmentKey
             * @instance
             */
            SegmentKey.prototype.wrappedKey = $util.newBuffer([]);

            /**
             * Encodes the specified SegmentKey message. Does not implicitly {@link tapline.v1.SegmentKey.verify|verify} messages.
             * @function encode
             * @memberof tapline.v1.SegmentKey
             * @static
             * @param {tapline.v1.SegmentKey.$Properties} message SegmentKey message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SegmentKey.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.algorithm != null && $Object.hasOwnProperty.call(message, "algorithm") && message.algorithm !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.algorithm);
                if (message.keyId != null && $Object.hasOwnProperty.call(message, "keyId") && message.keyId !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.keyId);
                if (message.wrappedKey != null && $Object.hasOwnProperty.call(message, "wrappedKey") && message.wrappedKey.length)
                    writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.wrappedKey);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SegmentKey message from the specified reader or buffer.
             * @function decode
             * @memberof tapline.v1.SegmentKey
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {tapline.v1.SegmentKey & tapline.v1.SegmentKey.$Shape} SegmentKey
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SegmentKey.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.tapline.v1.SegmentKey();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.algorithm = value;
                            else
                                delete message.algorithm;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.keyId = value;
                            else
                                delete message.keyId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.wrappedKey = value;
                            else
                                delete message.wrappedKey;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Creates a SegmentKey message from a plain object. Also converts values to their respective internal types.
             * @function fromObject
             * @memberof tapline.v1.SegmentKey
             * @static
             * @param {Object.<string,*>} object Plain object
             * @returns {tapline.v1.SegmentKey} SegmentKey
             */
            SegmentKey.fromObject = function (object, _depth) {
                if (object instanceof $root.tapline.v1.SegmentKey)
                    return object;
                if (!$util.isObject(object))
                    throw $TypeError(".tapline.v1.SegmentKey: object expected");
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let message = new $root.tapline.v1.SegmentKey();
                if (object.algorithm != null)
                    if (typeof object.algorithm !== "string" || object.algorithm.length)
                        message.algorithm = $String(object.algorithm);
                if (object.keyId != null)
                    if (typeof object.keyId !== "string" || object.keyId.length)
                        message.keyId = $String(object.keyId);
                if (object.wrappedKey != null)
                    if (object.wrappedKey.length)
                        if (typeof object.wrappedKey === "string")
                            $util.base64.decode(object.wrappedKey, message.wrappedKey = $util.newBuffer($util.base64.length(object.wrappedKey)), 0);
                        else if (object.wrappedKey.length >= 0)
                            message.wrappedKey = object.wrappedKey;
                return message;
            };

            /**
             * Creates a plain object from a SegmentKey message. Also converts values to other types if specified.
             * @function toObject
             * @memberof tapline.v1.SegmentKey
             * @static
             * @param {tapline.v1.SegmentKey} message SegmentKey
             * @param {$protobuf.IConversionOptions} [options] Conversion options
             * @returns {Object.<string,*>} Plain object
             */
            SegmentKey.toObject = function (message, options, _depth) {
                if (!options)
                    options = {};
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                let object = {};
                if (options.defaults) {
                    object.algorithm = "";
                    object.keyId = "";
                    if (options.bytes === $String)
                        object.wrappedKey = "";
                    else {
                        object.wrappedKey = [];
                        if (options.bytes !== $Array)
                            object.wrappedKey = $util.newBuffer(object.wrappedKey);
                    }
                }
                if (message.algorithm != null && $Object.hasOwnProperty.call(message, "algorithm"))
                    object.algorithm = message.algorithm;
                if (message.keyId != null && $Object.hasOwnProperty.call(message, "keyId"))
                    object.keyId = message.keyId;
                if (message.wrappedKey != null && $Object.hasOwnProperty.call(message, "wrappedKey"))
                    object.wrappedKey = options.bytes === $String ? $util.base64.encode(message.wrappedKey, 0, message.wrappedKey.length) : options.bytes === $Array ? $Array.prototype.slice.call(message.wrappedKey) : message.wrappedKey;
                return object;
            };

            /**
             * Converts this SegmentKey to JSON.
             * @function toJSON
             * @memberof tapline.v1.SegmentKey
             * @instance
             * @returns {Object.<string,*>} JSON object
             */
            SegmentKey.prototype.toJSON = function() {
                return SegmentKey.toObject(this, $protobuf.util.toJSONOptions);
            };

            return SegmentKey;
        })();

        return v1;
    })();

    return tapline;
})();

export {
  $root as default
};
