#!/usr/bin/env escript
%% An Erlang parent talking to `gipc echo` through a port opened with {packet, 4} (docs/PROTOCOL.md).
%% Usage: escript peer.escript PATH_TO_GIPC
main([Gipc]) ->
    Port = open_port({spawn_executable, Gipc},
                     [{packet, 4}, binary, exit_status, {args, ["echo", "--codec", "msgpack"]}]),
    Messages = [<<16#93, 1, 2, 3>>,                                 % [1, 2, 3]
                <<16#81, 16#a2, "id", 16#07>>,                      % {"id": 7}
                <<16#c4, 0>>,                                       % b""
                <<16#c6, 1048576:32, (binary:copy(<<7>>, 1048576))/binary>>],  % 1 MiB of bytes
    lists:foreach(fun(Message) ->
                      port_command(Port, Message),
                      receive
                          {Port, {data, Message}} -> ok;
                          {Port, Other} -> halt_with("unexpected reply ~p", [Other])
                      after 10000 -> halt_with("no reply", [])
                      end
                  end, Messages),
    port_close(Port),
    io:format("ok ~b messages~n", [length(Messages)]);
main(_) ->
    halt_with("usage: peer.escript PATH_TO_GIPC", []).

halt_with(Format, Arguments) ->
    io:format(standard_error, "peer.escript: " ++ Format ++ "~n", Arguments),
    halt(1).
