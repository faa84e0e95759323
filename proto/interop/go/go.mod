module github.com/racetel/racetel/proto/interop/go

go 1.23

require google.golang.org/protobuf v1.36.12
